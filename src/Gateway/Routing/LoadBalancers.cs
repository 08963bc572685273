namespace Comet.Gateway.Routing;

/// <summary>One downstream address of a route, with the requests it is serving right now.</summary>
public sealed class DownstreamHost(string host, int port)
{
    private int _inFlight;

    public string Host { get; } = host;
    public int Port { get; } = port;
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Where this route's requests to this address go, made once so a request skips the shared lookup.</summary>
    public Forwarding.DownstreamTarget? Target { get; set; }

    /// <summary>Counts a request until the returned lease is disposed (LeastConnection reads the count).</summary>
    public Lease Begin()
    {
        Interlocked.Increment(ref _inFlight);
        return new Lease(this);
    }

    public override string ToString() => $"{Host}:{Port}";

    public readonly struct Lease(DownstreamHost host) : IDisposable
    {
        public DownstreamHost Host { get; } = host;
        public void Dispose() => Interlocked.Decrement(ref Host._inFlight);
    }
}

/// <summary>Picks the host for the next request among a route's DownstreamHostAndPorts.</summary>
public abstract class LoadBalancer(IReadOnlyList<DownstreamHost> hosts)
{
    protected IReadOnlyList<DownstreamHost> Hosts { get; } = hosts;

    public abstract DownstreamHost Pick();

    public static readonly string[] Types = ["NoLoadBalancer", "RoundRobin", "LeastConnection"];

    public static LoadBalancer Create(string? type, IReadOnlyList<DownstreamHost> hosts) => type?.ToLowerInvariant() switch
    {
        null or "" or "noloadbalancer" => new First(hosts),
        "roundrobin" => new RoundRobin(hosts),
        "leastconnection" => new LeastConnection(hosts),
        _ => throw new FormatException($"'{type}' is not a load balancer; use one of {string.Join(", ", Types)}."),
    };

    private sealed class First(IReadOnlyList<DownstreamHost> hosts) : LoadBalancer(hosts)
    {
        public override DownstreamHost Pick() => Hosts[0];
    }

    private sealed class RoundRobin(IReadOnlyList<DownstreamHost> hosts) : LoadBalancer(hosts)
    {
        private int _next = -1;

        public override DownstreamHost Pick() => Hosts[(int)((uint)Interlocked.Increment(ref _next) % (uint)Hosts.Count)];
    }

    /// <summary>The host with the fewest requests in flight; ties go round robin so idle hosts share the load.</summary>
    private sealed class LeastConnection(IReadOnlyList<DownstreamHost> hosts) : LoadBalancer(hosts)
    {
        private int _next = -1;

        public override DownstreamHost Pick()
        {
            var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)Hosts.Count);
            var best = Hosts[start];
            for (var i = 1; i < Hosts.Count; i++)
            {
                var candidate = Hosts[(start + i) % Hosts.Count];
                if (candidate.InFlight < best.InFlight) best = candidate;
            }
            return best;
        }
    }
}
