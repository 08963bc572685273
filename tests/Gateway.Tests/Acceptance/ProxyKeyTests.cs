using System.Net;
using static Comet.Gateway.Tests.Acceptance.Answers;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>
/// The gateway proves itself to the orchestrator with the proxy key on every forwarded request; a key the client
/// sends is replaced, so a client can never pass one of its own through.
/// </summary>
public sealed class ProxyKeyTests : AcceptanceTest
{
    private static readonly string Key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    [Test]
    public async Task Every_forwarded_request_carries_the_gateways_key_instead_of_the_clients()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream)),
            new Dictionary<string, string?> { ["Comet:ProxyKey"] = Key });
        using var request = Get("/api/keyed", ("X-Comet-Proxy", "the client's own guess"));

        using var response = await gateway.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(downstream.Requests.Single().Header("X-Comet-Proxy"), Is.EqualTo(Key));
    }

    [Test]
    public async Task Without_a_configured_key_the_gateway_sends_32_random_bytes_from_its_key_file()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = await StartGatewayProcessAsync(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream)));

        using var response = await gateway.Client.SendAsync(Get("/api/keyed"));

        var seen = await EchoOf(response);
        Assert.That(Convert.FromBase64String(seen.Header("X-Comet-Proxy")!), Has.Length.EqualTo(32));
    }
}
