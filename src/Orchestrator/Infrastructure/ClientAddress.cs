namespace Comet.Orchestrator.Infrastructure;

/// <summary>
/// The address of the client behind the request. The forwarded-headers step (<see cref="ForwardedHeadersSetup"/>) has
/// already replaced the connection's address with the one the gateway named, when and only when the gateway proved
/// itself; this only reads the result, so there is one place that decides whom to believe.
/// </summary>
public static class ClientAddress
{
    public static string? Of(HttpContext context) => context.Connection.RemoteIpAddress is { } address
        ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
        : null;
}
