using System.Net;
using Comet.TestSupport;
using static Comet.Gateway.Tests.Acceptance.Answers;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>Gateway processes that keep their rate-limit counters in Redis.</summary>
public sealed class SharedRateLimitTests : AcceptanceTest
{
    [Test]
    public async Task Two_gateway_processes_share_one_limit_through_redis()
    {
        var redis = await TestRedis.AddressAsync();
        var downstream = await StartDownstreamAsync();
        var config = GatewayConfig.With(Route.To(UniqueTemplate(), "/{everything}", downstream).Limited(4, "1m"));
        var settings = new Dictionary<string, string?> { ["Redis:Configuration"] = redis };
        var gateways = await Task.WhenAll(StartGatewayProcessAsync(config, settings), StartGatewayProcessAsync(config, settings));
        var client = NewClientId("shared");

        var statuses = new List<HttpStatusCode>();
        var remaining = new List<string?>();
        for (var i = 0; i < 5; i++)
        {
            var gateway = gateways[i % 2];
            using var response = await gateway.Client.SendAsync(Get(Path(config, "cards"), ("ClientId", client)));
            statuses.Add(response.StatusCode);
            remaining.Add(response.Header("X-Rate-Limit-Remaining"));
            if (i == 4) await ProblemOf(response, 429);
        }

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }),
            "requests alternate between the two gateways; the fifth is over the shared limit of 4");
        Assert.That(remaining.Take(4), Is.EqualTo(new[] { "3", "2", "1", "0" }), "each gateway sees the other's requests");
        Assert.That(downstream.Count, Is.EqualTo(4));
    }

    [Test]
    public async Task A_new_client_id_with_every_request_does_not_get_past_the_shared_limit_of_the_address()
    {
        var redis = await TestRedis.AddressAsync();
        var downstream = await StartDownstreamAsync();
        var config = GatewayConfig.With(Route.To(UniqueTemplate(), "/{everything}", downstream).Limited(3, "1m", periodTimespan: 60));
        var settings = new Dictionary<string, string?> { ["Redis:Configuration"] = redis };
        var gateways = await Task.WhenAll(StartGatewayProcessAsync(config, settings), StartGatewayProcessAsync(config, settings));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await gateways[i % 2].Client.SendAsync(Get(Path(config, "cards"), ("ClientId", NewClientId("rotating"))));
            statuses.Add(response.StatusCode);
        }

        Assert.That(statuses, Is.EqualTo(Enumerable.Repeat(HttpStatusCode.OK, 3).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 9))),
            "the address (127.0.0.1) is counted in Redis whatever client id each request names");
        Assert.That(downstream.Count, Is.EqualTo(3));
    }

    [Test]
    public async Task Behind_a_trusted_proxy_each_forwarded_address_has_its_own_shared_quota()
    {
        var redis = await TestRedis.AddressAsync();
        var downstream = await StartDownstreamAsync();
        var config = GatewayConfig.With(Route.To(UniqueTemplate(), "/{everything}", downstream).Limited(2, "1m"));
        var settings = new Dictionary<string, string?> { ["Redis:Configuration"] = redis, ["Gateway:TrustedProxies:0"] = "127.0.0.1" };
        var gateways = await Task.WhenAll(StartGatewayProcessAsync(config, settings), StartGatewayProcessAsync(config, settings));

        async Task<HttpStatusCode> From(int gateway, string address)
        {
            using var response = await gateways[gateway].Client.SendAsync(Get(Path(config, "cards"), ("X-Forwarded-For", address)));
            return response.StatusCode;
        }

        var first = new[] { await From(0, "203.0.113.1"), await From(1, "203.0.113.1"), await From(0, "203.0.113.1") };
        var second = new[] { await From(1, "203.0.113.2"), await From(0, "203.0.113.2") };

        Assert.That(first, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.That(second, Is.All.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_gateway_whose_redis_is_unreachable_still_serves_and_limits_locally()
    {
        var downstream = await StartDownstreamAsync();
        var nobodyListens = $"127.0.0.1:{FreePort.Next()}";
        var gateway = await StartGatewayProcessAsync(
            GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream).Limited(2, "1m")),
            new Dictionary<string, string?> { ["Redis:Configuration"] = nobodyListens });
        var client = NewClientId();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await gateway.Client.SendAsync(Get("/api/cards", ("ClientId", client)));
            statuses.Add(response.StatusCode);
        }

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }),
            $"served, and limited with local counters. Gateway output:\n{gateway.Process.Output}");
        Assert.That(downstream.Count, Is.EqualTo(2));
    }

    /// <summary>A route template of its own: counters in a shared Redis outlive a test, and the address (127.0.0.1) is the same in each.</summary>
    private static string UniqueTemplate() => $"/shared-{Guid.NewGuid():N}/{{everything}}";

    private static string Path(GatewayConfig config, string rest) => config.Routes[0].UpstreamPathTemplate.Replace("{everything}", rest, StringComparison.Ordinal);
}
