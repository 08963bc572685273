using Comet.Application;
using Comet.Application.Schedules;
using Comet.Infrastructure;
using Comet.Hosting;
using Comet.Infrastructure.Identity;
using Comet.Hosting.Logging;
using Comet.Infrastructure.Persistence;
using Comet.Infrastructure.Secrets;
using Comet.Orchestrator.Endpoints;
using Comet.Orchestrator.Infrastructure;
using Comet.Orchestrator.Workers;

// `reset-admin [user]`: a new one-time password from the data folder's database, without starting the server.
if (ResetAdminVerb.IsInvoked(args)) return await ResetAdminVerb.RunAsync(args);

return await HostStartup.RunGuardedAsync("Comet orchestrator", async () =>
{
    // Content root = the binary's folder, so appsettings.json is found whatever the working directory.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    var comet = builder.ReadCometOptions();
    comet.CreateDataFolder();
    builder.Logging.AddCometLogging(comet.DataDirFullPath, "orchestrator");
    builder.ListenOnLoopbackUnlessConfigured(comet.OrchestratorPort);

    builder.Services.AddApplication();
    builder.Services.AddInfrastructure(builder.Configuration);
    builder.Services.AddCometApi();
    builder.Services.AddCometForwardedHeaders(builder.Configuration);
    builder.Services.AddCometAuthentication(builder.Configuration);
    builder.Services.AddOrchestratorTelemetry(builder.Configuration);
    builder.Services.AddOptions<WebhookOptions>().Bind(builder.Configuration.GetSection(WebhookOptions.Section));
    builder.Services.AddHostedService<RunDispatcher>();
    builder.Services.AddHostedService<ArtifactSweeper>();
    builder.Services.AddOptions<ScheduleOptions>().Bind(builder.Configuration.GetSection(ScheduleOptions.Section)).ValidateOnStart();
    builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ScheduleOptions>, ScheduleOptionsValidator>();
    builder.Services.AddHostedService<SchedulerLoop>();
    // One feed per process reads the live event log and fans it out to the open streams.
    builder.Services.AddSingleton<LiveEventFeed>();
    builder.Services.AddHostedService(p => p.GetRequiredService<LiveEventFeed>());
    builder.Services.AddHostedService<LiveEventSweeper>();
    builder.Services.AddHostedService<OutboxDeliverer>();

    var app = builder.Build();
    app.Services.ProtectServerSecretFiles();
    await app.Services.MigrateDatabaseAsync();
    await app.Services.VerifySecretKeysAsync();
    await app.BootstrapAdminAsync();

    app.UseCometForwardedHeaders();
    app.UseCometApi();
    app.UseAuthentication();
    app.UsePasswordChangeGate();
    app.UseAuthorization();
    app.UseWebSockets();
    app.MapAuthEndpoints();
    app.MapPasswordEndpoints();
    app.MapOAuthEndpoints();
    app.MapAdminEndpoints();
    app.MapAdminOverviewEndpoints();
    app.MapHealthEndpoints();
    app.MapMetricsEndpoint();
    app.MapProjectEndpoints();
    app.MapMemberEndpoints();
    app.MapSecretEndpoints();
    app.MapRunEndpoints();
    app.MapTestReportEndpoints();
    app.MapArtifactEndpoints();
    app.MapScheduleEndpoints();
    app.MapSubscriptionEndpoints();
    app.MapPersonalSubscriptionEndpoints();
    app.MapEnvironmentEndpoints();
    app.MapPipelineEndpoints();
    app.MapWebhookEndpoints();
    app.MapEventEndpoints();
    app.MapDeliveryEndpoints();
    app.MapForgeStatusEndpoints();

    await app.RunAsync();
});

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
