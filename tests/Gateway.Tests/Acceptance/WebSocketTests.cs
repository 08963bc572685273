using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using Comet.TestSupport;
using static Comet.Gateway.Tests.Acceptance.Answers;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>WebSocket upgrades through a gateway process (upgrades need real sockets), besides the relay in StreamingTests.</summary>
public sealed class WebSocketTests : AcceptanceTest
{
    /// <summary>A WebSocket handshake as a browser sends it, through HttpClient so the answer can be read whatever it is.</summary>
    private static HttpRequestMessage Handshake(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        return request;
    }

    [Test]
    public async Task An_upgrade_on_a_plain_http_route_goes_on_as_a_plain_request()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = await StartGatewayProcessAsync(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream)));

        using var response = await gateway.Client.SendAsync(Handshake("/api/ws"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "the downstream's answer to a request without an upgrade");
        var seen = downstream.RequestsTo("/ws").Single();
        Assert.That(seen.Header("Upgrade"), Is.Null, "only routes with DownstreamScheme ws/wss upgrade");
    }

    [Test]
    public async Task A_downstream_that_refuses_the_upgrade_gives_the_client_its_own_answer()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = await StartGatewayProcessAsync(GatewayConfig.With(
            Route.To("/live", "/status/403", downstream) with { DownstreamScheme = "ws" }));
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;

        Assert.That(async () => await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{gateway.Process.Port}/live"), CancellationToken.None),
            Throws.InstanceOf<WebSocketException>());

        Assert.That(socket.HttpStatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "the downstream's refusal, passed on");
        Assert.That(downstream.RequestsTo("/status/403").Single().Header("Upgrade"), Is.EqualTo("websocket"));
    }

    [Test]
    public async Task A_websocket_route_to_a_stopped_downstream_is_a_502_problem()
    {
        var gateway = await StartGatewayProcessAsync(GatewayConfig.With(
            Route.ToClosedPort("/live", "/ws", FreePort.Next()) with { DownstreamScheme = "ws" }));

        using var response = await gateway.Client.SendAsync(Handshake("/live"));

        var problem = await ProblemOf(response, 502);
        Assert.That(problem.Detail(), Does.Contain("refused"));
    }
}
