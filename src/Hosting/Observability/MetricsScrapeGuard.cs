using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Comet.Hosting.Observability;

/// <summary>
/// Stands before the Prometheus exporter: a scraper whose address is not in <c>Comet:Metrics:AllowedScrapers</c> gets
/// 403, and when <c>Comet:Metrics:ScrapeToken</c> is set one without that bearer token gets 401, both problem+json. A
/// refused scrape costs no collection.
/// </summary>
public sealed class MetricsScrapeGuard
{
    private readonly IPNetwork[] _allowed;
    private readonly byte[]? _token;
    private readonly Func<HttpContext, IPAddress?> _clientOf;

    /// <param name="clientOf">The client's address as the host believes it (after trusted proxies), not merely the TCP peer.</param>
    public MetricsScrapeGuard(MetricsOptions options, Func<HttpContext, IPAddress?> clientOf)
    {
        _allowed = [.. options.EffectiveAllowedScrapers.Select(e => MetricsOptions.ParseScraper(e)
            ?? throw new InvalidOperationException($"Comet:Metrics:AllowedScrapers has '{e}', which is not an address or network."))];
        _token = string.IsNullOrEmpty(options.ScrapeToken) ? null : Encoding.UTF8.GetBytes(options.ScrapeToken);
        _clientOf = clientOf;
    }

    public Task CheckAsync(HttpContext context, RequestDelegate next)
    {
        var client = _clientOf(context);
        if (!IsAllowed(client))
            return RefuseAsync(context, StatusCodes.Status403Forbidden, "Forbidden",
                $"{client?.ToString() ?? "This client"} may not read the metrics: Comet:Metrics:AllowedScrapers lists the addresses that may (by default only this machine).");
        if (_token is not null && !CarriesToken(context.Request))
        {
            context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer realm=\"metrics\"";
            return RefuseAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized",
                "The metrics need 'Authorization: Bearer <token>' with the token in Comet:Metrics:ScrapeToken.");
        }
        return next(context);
    }

    /// <summary>A request with no address (an in-process test server) is no scraper anyone configured: refused.</summary>
    private bool IsAllowed(IPAddress? client)
    {
        if (client is null) return false;
        if (client.IsIPv4MappedToIPv6) client = client.MapToIPv4();
        foreach (var network in _allowed)
            if (network.Contains(client)) return true;
        return false;
    }

    private bool CarriesToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var given = Encoding.UTF8.GetBytes(header[scheme.Length..].Trim());
        // Constant time: how much of a guess matched must not show in how long the refusal takes.
        return CryptographicOperations.FixedTimeEquals(given, _token);
    }

    private static async Task RefuseAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        await context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
