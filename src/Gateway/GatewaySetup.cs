using Comet.Gateway.Configuration;
using Comet.Gateway.Forwarding;
using Comet.Gateway.Observability;
using Comet.Gateway.OpenApi;
using Comet.Gateway.RateLimiting;
using Comet.Gateway.Security;
using Comet.Gateway.WebUi;
using Comet.Hosting;
using Comet.Hosting.Observability;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Comet.Gateway;

/// <summary>The gateway's services and its request pipeline, in one visible order.</summary>
public static class GatewaySetup
{
    /// <summary>
    /// The gateway's own request metrics stand for HTTP server metrics (ASP.NET Core's would be a second histogram on
    /// every request); Kestrel's are per connection and the runtime's are read at collection. Spans (only while tracing):
    /// the server's, the forward's HttpClient call, and any the forwarder (YARP) makes itself.
    /// </summary>
    private static readonly TelemetrySignals Telemetry = new("comet-gateway",
        [GatewayMetrics.MeterName, "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime"],
        ["Microsoft.AspNetCore", "System.Net.Http", "Yarp.ReverseProxy"]);

    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        var options = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();

        services.AddCometProblemDetails();
        services.AddCometEdge(configuration); // the proxy key the forwarder sends to the orchestrator
        services.AddSingleton<RouteTableProvider>();
        services.AddHttpForwarder();
        services.AddSingleton<DownstreamConnections>();
        services.AddSingleton<GatewayTransformer>();
        services.AddSingleton<GatewayProblems>();
        services.AddSingleton<EdgeAuthentication>();
        services.AddSingleton<ClientAddresses>();
        services.AddSingleton<GatewayRequestHandler>();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<LocalWindowCounter>();
        var redis = configuration["Redis:Configuration"];
        if (string.IsNullOrWhiteSpace(redis))
            services.AddSingleton<IWindowCounter>(p => p.GetRequiredService<LocalWindowCounter>());
        else
            services.AddSingleton<IWindowCounter>(p => new RedisWindowCounter(redis, p.GetRequiredService<LocalWindowCounter>(),
                p.GetRequiredService<ILogger<RedisWindowCounter>>()));
        services.AddSingleton<ClientWindowRateLimiter>();
        services.AddSingleton<ClientRateLimiting>();

        services.AddSingleton<GatewayMetrics>();
        services.AddCometTelemetry(configuration, Telemetry);

        if (options.Jwt.IsConfigured)
        {
            services.AddSingleton(p => new JwksConfigurationManager(options.Jwt,
                new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false }), p.GetRequiredService<ILogger<JwksConfigurationManager>>()));
            services.AddAuthentication().AddJwtBearer(GatewayOptions.JwtOptions.Scheme, _ => { });
            services.AddSingleton<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider, RouteOnlyAuthenticationSchemes>();
            services.AddOptions<JwtBearerOptions>(GatewayOptions.JwtOptions.Scheme)
                .Configure<JwksConfigurationManager>((bearer, keys) => EdgeAuthentication.Configure(bearer, options.Jwt, keys));
        }

        if (options.Cors.AllowedOrigins.Length > 0)
            services.AddCors(cors => cors.AddDefaultPolicy(policy =>
            {
                var c = options.Cors;
                if (c.AllowedOrigins.Contains("*")) policy.AllowAnyOrigin(); else policy.WithOrigins(c.AllowedOrigins);
                if (c.AllowedMethods.Length == 0) policy.AllowAnyMethod(); else policy.WithMethods(c.AllowedMethods);
                if (c.AllowedHeaders.Length == 0) policy.AllowAnyHeader(); else policy.WithHeaders(c.AllowedHeaders);
                if (c.ExposedHeaders.Length > 0) policy.WithExposedHeaders(c.ExposedHeaders);
                if (c.AllowCredentials) policy.AllowCredentials();
            }));

        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o => o.SwaggerDoc(CombinedOpenApiDocument.GatewayDocumentName, new OpenApiInfo
        {
            Title = "Comet gateway",
            Version = "v1",
        }));
        services.AddSingleton<CombinedOpenApiDocument>();
        services.AddWebUi();
        return services;
    }

    public static WebApplication UseGateway(this WebApplication app)
    {
        // Load the route file now: an invalid one stops start-up with its errors.
        app.Services.GetRequiredService<RouteTableProvider>();
        // The instruments exist before the first request, so they are exported from the start.
        app.Services.GetRequiredService<GatewayMetrics>();

        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseRequestHeadLimits();
        // Only under /swagger: the UI middleware would otherwise test every forwarded request's path.
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/swagger"), swagger => swagger.UseSwaggerUiAtItsRoot().UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint(CombinedOpenApiDocument.Path, "Comet API");
            o.DocumentTitle = "Comet API";
            o.IndexStream = SwaggerUiPage.WithBaseAddress(o.IndexStream);
        }));
        // Before the routes: the UI answers only paths that no API, gateway endpoint or route owns (WebUiPaths).
        app.UseWebUi();
        app.UseRouting();
        if (app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.Cors.AllowedOrigins.Length > 0) app.UseCors();

        // The gateway's own endpoints; everything else goes through the route table.
        var clients = app.Services.GetRequiredService<ClientAddresses>();
        app.MapCometMetrics(clients.ClientOf)
            .WithTags("Gateway").WithSummary("The gateway's metrics in Prometheus text format (only to Comet:Metrics:AllowedScrapers).");
        app.MapGet(CombinedOpenApiDocument.Path, async (CombinedOpenApiDocument document, CancellationToken cancellationToken) =>
                Results.Text(await document.BuildAsync(cancellationToken), "application/json"))
            .ExcludeFromDescription();
        app.UseEndpoints(_ => { });

        var handler = app.Services.GetRequiredService<GatewayRequestHandler>();
        app.Run(handler.HandleAsync);
        return app;
    }
}
