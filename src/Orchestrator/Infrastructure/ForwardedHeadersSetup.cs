using Comet.Application.Artifacts;
using Comet.Application.Common.Interfaces;
using Comet.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Comet.Orchestrator.Infrastructure;

/// <summary>
/// Who the client is and which address it used. The gateway names both in X-Forwarded-For/-Proto/-Host; those are
/// believed only from a trusted proxy address (<c>Comet:TrustedProxies</c>) that also sends the proxy key, so nobody
/// else on the machine (a step with network on reaches loopback too) can pose as the gateway and pick their own address.
/// After this step <c>Connection.RemoteIpAddress</c>, <c>Request.Scheme</c> and <c>Request.Host</c> are the client's.
/// </summary>
public static class ForwardedHeadersSetup
{
    private static readonly string[] ForwardedHeaderNames = ["X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix"];

    public static IServiceCollection AddCometForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCometEdge(configuration);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<EdgeOptions>>((forwarded, edge) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // One hop: the last X-Forwarded-For entry is the one the gateway added; anything before it came from the client.
            forwarded.ForwardLimit = 1;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var entry in edge.Value.EffectiveTrustedProxies)
                forwarded.KnownIPNetworks.Add(EdgeOptions.ParseProxy(entry)!.Value);
        });
        services.AddScoped<IPublicAddress, HttpPublicAddress>();
        return services;
    }

    /// <summary>First in the pipeline: everything after it (the sign-in lock, OAuth, links) sees the client's view.</summary>
    public static WebApplication UseCometForwardedHeaders(this WebApplication app)
    {
        // Made (or read) now, at start, so the gateway finds the same key file whichever host starts first.
        var key = app.Services.GetRequiredService<ProxyKey>();
        app.Use((context, next) =>
        {
            var headers = context.Request.Headers;
            if (!key.Matches(headers[ProxyKey.HeaderName]))
                foreach (var name in ForwardedHeaderNames) headers.Remove(name);
            // The key goes no further: not into logs, webhook deliveries or anything that copies headers.
            headers.Remove(ProxyKey.HeaderName);
            return next(context);
        });
        app.UseForwardedHeaders();

        // A configured public address is the address of every request, so whatever the framework builds from the
        // request (the OAuth redirect_uri, cookie Secure flags) matches the links Comet makes itself.
        var publicUri = HttpPublicAddress.Configured(app.Services.GetRequiredService<IOptions<EdgeOptions>>().Value,
            app.Services.GetRequiredService<IOptions<ArtifactOptions>>().Value);
        if (publicUri is not null)
            app.Use((context, next) =>
            {
                var request = context.Request;
                request.Scheme = publicUri.Scheme;
                request.Host = new HostString(publicUri.Authority); // no :443 or :80 for the scheme's own port
                if (publicUri.AbsolutePath.TrimEnd('/') is { Length: > 0 } pathBase) request.PathBase = pathBase;
                return next(context);
            });
        return app;
    }
}
