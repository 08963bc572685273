using System.Net;

namespace Comet.Orchestrator.Infrastructure;

/// <summary>
/// The address of the client behind the request. A request from this machine (the gateway) may name the client in
/// X-Forwarded-For; the last entry is the one the gateway added. From anywhere else the header is not trusted.
/// </summary>
public static class ClientAddress
{
    public static string? Of(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is not null && IPAddress.IsLoopback(remote)
            && context.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
            return forwarded.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        return remote?.ToString();
    }
}
