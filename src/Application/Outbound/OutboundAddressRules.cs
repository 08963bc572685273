using System.Net;
using System.Net.Sockets;

namespace Comet.Application.Outbound;

/// <summary>
/// Which addresses outbound calls (statuses, notifications) may reach. A URL someone configures must not turn Comet
/// into a way to reach the machine itself, the cloud metadata service or the private network behind it: loopback,
/// link-local, private, unspecified and multicast addresses are refused (IPv4-mapped IPv6 forms too) unless
/// <c>Outbound:AllowPrivateAddresses=true</c>. The HTTP channel checks the address it actually connects to, after DNS,
/// so a name that resolves differently later (DNS rebinding) cannot slip past; <see cref="CheckUrl"/> is the early check
/// when a URL is configured.
/// </summary>
public static class OutboundAddressRules
{
    public const string Rule = "outbound calls refuse loopback, link-local and private addresses unless Outbound:AllowPrivateAddresses=true";

    /// <summary>Why <paramref name="address"/> is refused ("a loopback address"), or null when it may be reached.</summary>
    public static string? Refusal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 => "an unspecified address",
                127 => "a loopback address",
                10 => "a private address",
                169 when b[1] == 254 => "a link-local address",
                172 when b[1] is >= 16 and <= 31 => "a private address",
                192 when b[1] == 168 => "a private address",
                >= 224 and <= 239 => "a multicast address",
                255 when b.All(x => x == 255) => "a broadcast address",
                _ => null,
            };
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.Equals(IPAddress.IPv6Any)) return "an unspecified address";
            if (address.Equals(IPAddress.IPv6Loopback)) return "a loopback address";
            if (address.IsIPv6LinkLocal) return "a link-local address";
            if (address.IsIPv6UniqueLocal || address.IsIPv6SiteLocal) return "a private address";
            if (address.IsIPv6Multicast) return "a multicast address";
            // ::a.b.c.d (IPv4-compatible, deprecated) still reaches the IPv4 address on some stacks.
            var b = address.GetAddressBytes();
            if (b.Take(12).All(x => x == 0)) return Refusal(new IPAddress(b[12..]));
            return null;
        }
        return "not an IP address";
    }

    /// <summary>
    /// Null when <paramref name="url"/> is an absolute http(s) URL whose host is not refused by its spelling; otherwise
    /// what is wrong, naming the rule. Host names are resolved only when a call is made (and checked then).
    /// </summary>
    public static string? CheckUrl(string? url, bool allowPrivate, string field = "url")
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0 || url.Any(char.IsWhiteSpace))
            return $"{field} must be an absolute http:// or https:// address.";
        if (!string.IsNullOrEmpty(uri.UserInfo))
            return $"{field} must not hold a user name or password; credentials come from a secret.";
        if (allowPrivate) return null;
        var host = uri.IdnHost.Trim('[', ']');
        string? refusal = null;
        if (IPAddress.TryParse(host, out var address)) refusal = Refusal(address);
        else if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            refusal = "a loopback address";
        return refusal is null ? null : $"{field} '{url}' points at {refusal}: {Rule}.";
    }
}

/// <summary>An outbound connection refused because of where it would go.</summary>
public sealed class OutboundAddressRefusedException(string message) : Exception(message);
