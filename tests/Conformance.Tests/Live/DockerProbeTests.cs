using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Conformance.Environments;
using Conformance.Environments.K3s;
using Conformance.Environments.Options;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Live;

public sealed class DockerProbeTests
{
    private static IReadOnlyDictionary<string, string?> Env(string dockerHost) =>
        new Dictionary<string, string?> { ["DOCKER_HOST"] = dockerHost, ["HOME"] = Path.GetTempPath() };

    [Fact]
    public void A_missing_socket_is_reported_fast_with_what_was_tried()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"conformance-{Guid.NewGuid():N}.sock");
        var result = DockerProbe.Probe(Env("unix://" + socket));
        result.Reachable.Should().BeFalse();
        result.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
        result.FailureMessage().Should().Contain("DOCKER_HOST").And.Contain(socket).And.Contain("socket file does not exist")
            .And.Contain("--env twin");
    }

    [Fact]
    public void A_dead_socket_that_nobody_listens_on_is_reported_fast()
    {
        var path = Path.Combine(Path.GetTempPath(), $"conformance-{Guid.NewGuid():N}.sock");
        // Bound but not listening: the file exists and connecting is refused (.NET unlinks it on dispose).
        using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            var result = DockerProbe.Probe(Env("unix://" + path));
            result.Reachable.Should().BeFalse();
            result.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
            result.Tried.Single().Should().Contain("connection failed");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_daemon_that_answers_ping_is_found()
    {
        var path = Path.Combine(Path.GetTempPath(), $"conformance-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        var token = TestContext.Current.CancellationToken;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptAsync(token);
            var buffer = new byte[512];
            await client.ReceiveAsync(buffer, token);
            await client.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"), token);
        }, token);
        try
        {
            var result = DockerProbe.Probe(Env("unix://" + path));
            result.Reachable.Should().BeTrue(result.Explain());
            result.Endpoint.Should().Be("unix://" + path);
        }
        finally
        {
            File.Delete(path);
        }

        await server.WaitAsync(TimeSpan.FromSeconds(5), token);
    }

    [Fact]
    public void Env_k3s_without_docker_fails_in_under_a_second_saying_what_was_tried_and_how_to_fix_it()
    {
        var dead = "unix://" + Path.Combine(Path.GetTempPath(), $"conformance-{Guid.NewGuid():N}.sock");
        var clock = Stopwatch.StartNew();
        var act = () => new WorldFactory(() => DockerProbe.Probe(Env(dead)), _ => { }).Create("k3s", LiveOptions.Default);
        var error = act.Should().Throw<DockerUnavailableException>().Which;
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
        error.Message.Should().Contain("DOCKER_HOST").And.Contain(dead).And.Contain("start Docker").And.Contain("--env existing");
    }

    [Fact]
    public async Task Env_auto_without_docker_chooses_the_twin_and_says_why()
    {
        var dead = "unix://" + Path.Combine(Path.GetTempPath(), $"conformance-{Guid.NewGuid():N}.sock");
        var clock = Stopwatch.StartNew();
        var choice = new WorldFactory(() => DockerProbe.Probe(Env(dead)), _ => { }).Create("auto", LiveOptions.Default);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
        await using var environment = choice.Environment;
        environment.Name.Should().Be("twin");
        choice.Reason.Should().Contain("chose the twin").And.Contain("no release evidence").And.Contain(dead);
    }

    [Fact]
    public void An_unknown_environment_name_is_a_clear_error()
    {
        var act = () => new WorldFactory(() => throw new InvalidOperationException("must not probe"), _ => { }).Create("kind", LiveOptions.Default);
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("auto, k3s, existing, twin");
    }

    [Fact]
    public void The_plan_needs_no_docker()
    {
        var environment = new WorldFactory(() => throw new InvalidOperationException("must not probe"), _ => { })
            .CreateForPlan("k3s", LiveOptions.Default);
        environment.Plan().Should().Contain("rancher/k3s");
    }
}
