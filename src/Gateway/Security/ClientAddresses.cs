using System.Net;
using Comet.Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Comet.Gateway.Security;

/// <summary>
/// The address a request comes from: the TCP peer, or what X-Forwarded-For says only when the peer is one of
/// Gateway:TrustedProxies. Anything else in X-Forwarded-For was written by the client and proves nothing, so it
/// never names the client for rate limits and is not passed on as if it were true.
/// </summary>
public sealed class ClientAddresses
{
    private const string ForwardedFor = "X-Forwarded-For";

    private readonly IReadOnlyList<IPNetwork> _trustedProxies;

    public ClientAddresses(IOptions<GatewayOptions> options) =>
        _trustedProxies = [.. options.Value.TrustedProxies.Select(entry => TryParseNetwork(entry, out var network)
            ? network : throw new InvalidOperationException($"Gateway:TrustedProxies has '{entry}', which is not an address or network."))];

    /// <summary>An address (10.0.0.5, ::1) or a network in CIDR notation (10.0.0.0/8, fd00::/8).</summary>
    public static bool TryParseNetwork(string? text, out IPNetwork network)
    {
        network = default;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed)) return false;
        if (trimmed.Contains('/')) return IPNetwork.TryParse(trimmed, out network);
        if (!IPAddress.TryParse(trimmed, out var address)) return false;
        address = Normalize(address);
        network = new IPNetwork(address, address.GetAddressBytes().Length * 8);
        return true;
    }

    public bool IsTrustedProxy(IPAddress? address)
    {
        if (address is null) return false;
        address = Normalize(address);
        foreach (var network in _trustedProxies)
            if (network.Contains(address)) return true;
        return false;
    }

    /// <summary>
    /// The client's address. Through trusted proxies, X-Forwarded-For is read from the right (each proxy appends the
    /// address it saw) and the first hop that is not itself a trusted proxy is the client: whatever the client put
    /// further left is its own claim.
    /// </summary>
    public IPAddress? ClientOf(HttpContext context)
    {
        var peer = context.Connection.RemoteIpAddress is { } remote ? Normalize(remote) : null;
        if (!IsTrustedProxy(peer)) return peer;
        var client = peer;
        var hops = Hops(context.Request.Headers[ForwardedFor]);
        for (var i = hops.Count - 1; i >= 0; i--)
        {
            // A hop that is not an address ends what can be believed; the last good one stands.
            if (!IPEndPoint.TryParse(hops[i], out var hop)) break;
            client = Normalize(hop.Address);
            if (!IsTrustedProxy(client)) break;
        }
        return client;
    }

    /// <summary>
    /// The X-Forwarded-For to send downstream: the client's chain plus the peer when the peer is a trusted proxy;
    /// otherwise the peer alone, so a value the client made up never reaches a service that trusts the gateway.
    /// </summary>
    public string? ForwardedForDownstream(HttpContext context)
    {
        var peer = context.Connection.RemoteIpAddress is { } remote ? Normalize(remote).ToString() : null;
        if (peer is null) return null;
        var prior = context.Request.Headers[ForwardedFor].ToString();
        return IsTrustedProxy(context.Connection.RemoteIpAddress) && !string.IsNullOrWhiteSpace(prior) ? $"{prior}, {peer}" : peer;
    }

    private static List<string> Hops(Microsoft.Extensions.Primitives.StringValues values) =>
        [.. values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];

    /// <summary>::ffff:10.0.0.5 is 10.0.0.5: Kestrel reports IPv4 peers that way on dual-stack sockets.</summary>
    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
