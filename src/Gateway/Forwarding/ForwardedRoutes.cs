using Comet.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace Comet.Gateway.Forwarding;

/// <summary>The paths the gateway passes to the orchestrator (until the route file of the full gateway).</summary>
public static class ForwardedRoutes
{
    public static readonly string[] Prefixes = ["/api", "/hooks", "/swagger", "/health"];

    public static IServiceCollection AddOrchestratorForwarding(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        // One pooled handler for the process: connections to the orchestrator are reused across requests.
        services.AddSingleton(_ => new HttpMessageInvoker(HttpForwarder.CreateHandler(), disposeHandler: true));
        services.AddSingleton<HttpForwarder>();
        return services;
    }

    public static void MapOrchestratorRoutes(this IEndpointRouteBuilder app)
    {
        var gateway = app.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var comet = app.ServiceProvider.GetRequiredService<IOptions<CometOptions>>().Value;
        var downstream = new Uri(string.IsNullOrEmpty(gateway.OrchestratorUrl)
            ? $"http://127.0.0.1:{comet.OrchestratorPort}"
            : gateway.OrchestratorUrl);

        foreach (var prefix in Prefixes)
        {
            app.Map(prefix + "/{**rest}", (HttpContext context, HttpForwarder forwarder) =>
                forwarder.ForwardAsync(context, downstream, gateway.ResponseHeadersTimeout))
                .WithDisplayName("forward " + prefix);
        }
    }
}
