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
        var config = GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream).Limited(4, "1m"));
        var settings = new Dictionary<string, string?> { ["Redis:Configuration"] = redis };
        var gateways = await Task.WhenAll(StartGatewayProcessAsync(config, settings), StartGatewayProcessAsync(config, settings));
        var client = NewClientId("shared");

        var statuses = new List<HttpStatusCode>();
        var remaining = new List<string?>();
        for (var i = 0; i < 5; i++)
        {
            var gateway = gateways[i % 2];
            using var response = await gateway.Client.SendAsync(Get("/api/cards", ("ClientId", client)));
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
        using var anotherClient = await gateway.Client.SendAsync(Get("/api/other", ("ClientId", NewClientId())));

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }),
            $"served, and limited with local counters. Gateway output:\n{gateway.Process.Output}");
        Assert.That(anotherClient.StatusCode, Is.EqualTo(HttpStatusCode.OK), "another client has its own local counter");
        Assert.That(downstream.Count, Is.EqualTo(3));
    }
}
