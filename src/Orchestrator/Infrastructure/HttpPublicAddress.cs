using Comet.Application.Common.Interfaces;
using Comet.Application.Artifacts;
using Comet.Infrastructure.Configuration;
using Comet.Hosting;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;

namespace Comet.Orchestrator.Infrastructure;

/// <summary>
/// <c>Comet:PublicUrl</c> when set (<c>Artifacts:PublicUrl</c> is its deprecated alias); else the scheme and host the
/// client used, which the forwarded-headers step has already taken from the gateway when the gateway proved itself.
/// Outside a request (background work) with nothing configured, the gateway's loopback address is the best guess.
/// </summary>
public sealed class HttpPublicAddress(IHttpContextAccessor accessor, IOptions<EdgeOptions> edge, IOptions<ArtifactOptions> artifacts,
    IOptions<CometOptions> comet) : IPublicAddress
{
    public Uri Root => Configured(edge.Value, artifacts.Value)
                       ?? (accessor.HttpContext?.Request is { } request
                           ? new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/")
                           : new Uri($"http://127.0.0.1:{comet.Value.GatewayPort}/"));

    public static Uri? Configured(EdgeOptions edge, ArtifactOptions artifacts) =>
        edge.PublicUri ?? (string.IsNullOrWhiteSpace(artifacts.PublicUrl) ? null : new Uri(artifacts.PublicUrl.TrimEnd('/') + "/"));
}
