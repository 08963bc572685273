using Comet.Gateway.Forwarding;
using Comet.Infrastructure;
using Comet.Infrastructure.Hosting;
using Comet.Infrastructure.Logging;

return await HostStartup.RunGuardedAsync("Comet gateway", async () =>
{
    // Content root = the binary's folder, so appsettings.json is found whatever the working directory.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    var comet = builder.ReadCometOptions();
    builder.Logging.AddCometLogging(comet.DataDirFullPath, "gateway");
    builder.ListenOnLoopbackUnlessConfigured(comet.GatewayPort);

    builder.Services.AddCometOptions(builder.Configuration);
    builder.Services.AddOrchestratorForwarding(builder.Configuration);
    builder.Services.AddCometProblemDetails();

    var app = builder.Build();
    // Anything the gateway does not route gets a 404 problem+json.
    app.UseStatusCodePages();
    app.MapOrchestratorRoutes();
    await app.RunAsync();
});

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
