using System.Collections.Concurrent;
using System.Text;

namespace Conformance.Environments.Twin;

/// <summary>One line a twin component logged.</summary>
public sealed record TwinLogLine(DateTimeOffset Time, string Component, string Text);

/// <summary>
/// Collects what every twin component logs, in order, so evidence can show a controller's log for a scenario's time
/// window and the leak scan can search it. Components log names, keys and fingerprints, never values.
/// </summary>
public sealed class TwinLogBook
{
    private readonly ConcurrentQueue<TwinLogLine> _lines = new();

    public Action<string> For(string component) =>
        text => _lines.Enqueue(new TwinLogLine(DateTimeOffset.UtcNow, component, text));

    public TextWriter Writer(string component) => new LineWriter(For(component));

    public IReadOnlyList<TwinLogLine> Lines(string? component = null, DateTimeOffset? since = null) =>
        _lines.Where(l => (component is null || l.Component == component) && (since is null || l.Time >= since)).ToList();

    /// <summary>Hands a TextWriter's lines to a log callback (the injector logs through a TextWriter).</summary>
    private sealed class LineWriter(Action<string> sink) : TextWriter
    {
        private readonly StringBuilder _pending = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_pending)
            {
                if (value == '\n')
                {
                    sink(_pending.ToString().TrimEnd('\r'));
                    _pending.Clear();
                }
                else
                {
                    _pending.Append(value);
                }
            }
        }
    }
}
