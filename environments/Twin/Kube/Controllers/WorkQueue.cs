using System.Threading.Channels;

namespace Conformance.Twin.Kube.Controllers;

/// <summary>A single-worker queue of keys (deduplicated while pending), like client-go's workqueue for one worker.</summary>
public sealed class WorkQueue<T> where T : notnull
{
    readonly Channel<T> channel = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    readonly HashSet<T> pending = [];
    readonly object gate = new();

    public void Add(T key)
    {
        lock (gate) if (!pending.Add(key)) return;
        channel.Writer.TryWrite(key);
    }

    public Task RunAsync(Func<T, Task> work, Action<string>? log, CancellationToken ct) => Task.Run(async () =>
    {
        try
        {
            await foreach (var key in channel.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                lock (gate) pending.Remove(key);
                try { await work(key).ConfigureAwait(false); }
                catch (Exception e) { log?.Invoke($"controller work on {key} failed: {e.Message}"); }
            }
        }
        catch (OperationCanceledException) { }
    }, CancellationToken.None);
}
