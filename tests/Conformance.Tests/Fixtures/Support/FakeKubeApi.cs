using System.IO.Pipelines;
using System.Net;
using System.Text;

namespace Conformance.Tests.Fixtures.Support;

/// <summary>
/// A scripted Kubernetes API in front of KubernetesClient's pipeline (tests only): each request is answered by the
/// first route whose predicate matches; watch routes stream the given lines and then either end or hang until the
/// client gives up (as a real watch does while nothing changes).
/// </summary>
internal sealed class FakeKubeApi : DelegatingHandler
{
    private readonly List<(Func<HttpRequestMessage, bool> Match, Func<HttpRequestMessage, HttpResponseMessage> Respond)> _routes = [];

    public List<(string Method, string PathAndQuery, string? ContentType, string? Body)> Requests { get; } = [];

    public FakeKubeApi On(Func<HttpRequestMessage, bool> match, Func<HttpRequestMessage, HttpResponseMessage> respond)
    {
        _routes.Add((match, respond));
        return this;
    }

    public FakeKubeApi OnJson(string method, string pathPrefix, Func<HttpRequestMessage, string> json, HttpStatusCode status = HttpStatusCode.OK) =>
        On(r => r.Method.Method == method && r.RequestUri!.PathAndQuery.StartsWith(pathPrefix, StringComparison.Ordinal) && !IsWatch(r),
            r => new HttpResponseMessage(status) { Content = new StringContent(json(r), Encoding.UTF8, "application/json") });

    /// <summary>Answers watches on <paramref name="pathPrefix"/> with the next scripted stream (lines, then end or hang).</summary>
    public FakeKubeApi OnWatch(string pathPrefix, params (string[] Lines, bool Hang)[] streams)
    {
        var next = 0;
        return On(r => IsWatch(r) && r.RequestUri!.AbsolutePath.StartsWith(pathPrefix, StringComparison.Ordinal), _ =>
        {
            var (lines, hang) = streams[Math.Min(next++, streams.Length - 1)];
            var pipe = new Pipe();
            foreach (var line in lines)
                pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(line + "\n")).AsTask().Wait();
            if (!hang)
                pipe.Writer.Complete();
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(pipe.Reader.AsStream()) };
        });
    }

    public static bool IsWatch(HttpRequestMessage r) => r.RequestUri!.Query.Contains("watch=1", StringComparison.Ordinal);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Requests)
            Requests.Add((request.Method.Method, request.RequestUri!.PathAndQuery, request.Content?.Headers.ContentType?.MediaType, body));
        foreach (var (match, respond) in _routes)
            if (match(request))
                return respond(request);
        return new HttpResponseMessage(HttpStatusCode.NotFound)
        {
            Content = new StringContent("""{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404,"message":"not scripted"}"""),
        };
    }
}
