using System.Net;
using static Comet.Gateway.Tests.Acceptance.Answers;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>Several downstream hosts behind one route.</summary>
public sealed class LoadBalancingTests : AcceptanceTest
{
    private async Task<AcceptanceDownstream[]> StartThreeAsync() =>
        [await StartDownstreamAsync("a"), await StartDownstreamAsync("b"), await StartDownstreamAsync("c")];

    private static Route Balanced(string type, AcceptanceDownstream[] downstreams) =>
        Route.To("/api/{everything}", "/{everything}", downstreams) with { LoadBalancerOptions = new LoadBalancerOptions(type) };

    [Test]
    public async Task Round_robin_spreads_requests_evenly_cycling_through_the_hosts()
    {
        var downstreams = await StartThreeAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Balanced("RoundRobin", downstreams)));

        var servers = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            using var response = await gateway.Client.GetAsync($"/api/cards/{i}");
            servers.Add((await EchoOf(response)).Server);
        }

        Assert.That(downstreams.Select(d => d.Count), Is.EqualTo(new[] { 10, 10, 10 }), string.Join(" ", servers));
        Assert.That(servers.Take(3).Distinct().Count(), Is.EqualTo(3), "three requests in a row reach three hosts");
        for (var i = 3; i < servers.Count; i++)
            Assert.That(servers[i], Is.EqualTo(servers[i - 3]), $"request {i} continues the cycle: {string.Join(" ", servers)}");
    }

    [Test]
    public async Task Least_connection_sends_new_requests_away_from_the_host_busy_with_a_slow_one()
    {
        var downstreams = await StartThreeAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Balanced("LeastConnection", downstreams)));

        var slow = gateway.Client.GetAsync("/api/hold");
        try
        {
            await Eventually.Until(() => downstreams.Sum(d => d.InFlightHolds) == 1, TimeSpan.FromSeconds(10), "the slow request reaching a host");
            var busy = downstreams.Single(d => d.InFlightHolds == 1);

            var servers = new List<string>();
            for (var i = 0; i < 6; i++)
            {
                using var response = await gateway.Client.GetAsync($"/api/cards/{i}");
                servers.Add((await EchoOf(response)).Server);
            }

            Assert.That(servers, Has.None.EqualTo(busy.Name), $"{busy.Name} holds a request open; the others are idle");
        }
        finally
        {
            foreach (var downstream in downstreams) downstream.ReleaseHeld();
        }
        using var released = await slow.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(released.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("NoLoadBalancer")]
    [TestCase(null, TestName = "{m}(LoadBalancerOptions left out)")]
    public async Task Without_a_load_balancer_the_first_host_takes_every_request(string? type)
    {
        var downstreams = await StartThreeAsync();
        var route = Route.To("/api/{everything}", "/{everything}", downstreams) with
        {
            LoadBalancerOptions = type is null ? null : new LoadBalancerOptions(type),
        };
        var gateway = InMemoryGateway(GatewayConfig.With(route));

        for (var i = 0; i < 6; i++)
        {
            using var response = await gateway.Client.GetAsync($"/api/cards/{i}");
            await EchoOf(response);
        }

        Assert.That(downstreams.Select(d => d.Count), Is.EqualTo(new[] { 6, 0, 0 }));
    }
}
