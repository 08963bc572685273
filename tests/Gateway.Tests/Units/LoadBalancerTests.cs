using Comet.Gateway.Routing;

namespace Comet.Gateway.Tests.Units;

public sealed class LoadBalancerTests
{
    private static DownstreamHost[] Hosts(int count) =>
        Enumerable.Range(0, count).Select(i => new DownstreamHost("10.0.0." + (i + 1), 5000)).ToArray();

    private static string[] Picks(LoadBalancer balancer, int count) =>
        Enumerable.Range(0, count).Select(_ => balancer.Pick().Host).ToArray();

    [Test]
    public void Round_robin_cycles_through_the_hosts_in_order()
    {
        var balancer = LoadBalancer.Create("RoundRobin", Hosts(3));

        Assert.That(Picks(balancer, 7), Is.EqualTo(new[] { "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1" }));
    }

    [Test]
    public async Task Round_robin_spreads_concurrent_picks_evenly()
    {
        var balancer = LoadBalancer.Create("RoundRobin", Hosts(4));

        var picks = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Picks(balancer, 1000))));

        var perHost = picks.SelectMany(p => p).GroupBy(h => h).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(perHost.Values, Is.All.EqualTo(2000));
        Assert.That(perHost, Has.Count.EqualTo(4));
    }

    [Test]
    public void Least_connection_picks_the_host_with_fewest_requests_in_flight()
    {
        var hosts = Hosts(3);
        var balancer = LoadBalancer.Create("LeastConnection", hosts);
        using var a1 = hosts[0].Begin();
        using var a2 = hosts[0].Begin();
        using var b1 = hosts[1].Begin();

        Assert.That(Picks(balancer, 5), Is.All.EqualTo("10.0.0.3"));
    }

    [Test]
    public void Least_connection_follows_leases_as_they_begin_and_end()
    {
        var hosts = Hosts(2);
        var balancer = LoadBalancer.Create("LeastConnection", hosts);

        var first = balancer.Pick().Begin();
        var second = balancer.Pick();
        Assert.That(second, Is.Not.SameAs(first.Host), "the busy host is avoided");

        using var secondLease = second.Begin();
        using var secondLease2 = second.Begin();
        first.Dispose();

        Assert.That(balancer.Pick(), Is.SameAs(first.Host), "the host whose request ended is free again");
    }

    [Test]
    public void Least_connection_shares_ties_among_idle_hosts()
    {
        var balancer = LoadBalancer.Create("LeastConnection", Hosts(3));

        Assert.That(Picks(balancer, 6).Distinct(), Is.EquivalentTo(new[] { "10.0.0.1", "10.0.0.2", "10.0.0.3" }));
    }

    [Test]
    public void Lease_counts_a_request_until_disposed()
    {
        var host = new DownstreamHost("a", 1);

        var lease = host.Begin();
        var during = host.InFlight;
        lease.Dispose();

        Assert.That(during, Is.EqualTo(1));
        Assert.That(host.InFlight, Is.Zero);
    }

    [TestCase("NoLoadBalancer")]
    [TestCase("")]
    [TestCase(null)]
    public void No_load_balancer_always_picks_the_first_host(string? type)
    {
        Assert.That(Picks(LoadBalancer.Create(type, Hosts(3)), 4), Is.All.EqualTo("10.0.0.1"));
    }

    [Test]
    public void Load_balancer_type_ignores_case()
    {
        Assert.That(Picks(LoadBalancer.Create("roundROBIN", Hosts(2)), 2), Is.EqualTo(new[] { "10.0.0.1", "10.0.0.2" }));
    }

    [Test]
    public void Unknown_load_balancer_type_lists_the_known_ones()
    {
        var error = Assert.Throws<FormatException>(() => LoadBalancer.Create("Random", Hosts(2)));

        Assert.That(error!.Message, Is.EqualTo("'Random' is not a load balancer; use one of NoLoadBalancer, RoundRobin, LeastConnection."));
    }
}
