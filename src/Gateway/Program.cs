using Comet.Gateway;
using Comet.Gateway.Forwarding;
using Comet.Gateway.Security;

using Comet.Hosting;
using Comet.Hosting.Logging;
using Comet.Hosting.Configuration;

return await HostStartup.RunGuardedAsync("Comet gateway", async () =>
{
    // Content root = the binary's folder, so appsettings.json and gateway.json are found whatever the working directory.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    var comet = builder.ReadCometOptions();
    comet.CreateDataFolder();
    builder.Logging.AddCometLogging(comet.DataDirFullPath, "gateway");
    builder.ListenOnLoopbackUnlessConfigured(comet.GatewayPort);
    // Each route decides its body limit (Gateway:MaxRequestBodyBytes); Kestrel's global 30 MB would answer first.
    builder.WebHost.ConfigureKestrel(k =>
    {
        k.Limits.MaxRequestBodySize = null;
        // Kestrel's 431/414 have no body; it only catches heads far over the limits RequestHeadLimits answers in words.
        RequestHeadLimits.RaiseParserLimits(k.Limits);
    });

    builder.Services.AddCometOptions(builder.Configuration);
    builder.Services.AddGateway(builder.Configuration);

    var app = builder.Build();
    app.UseGateway();
    await app.RunAsync();
});

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
