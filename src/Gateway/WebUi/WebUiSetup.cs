using System.IO.Compression;
using Comet.Gateway.Configuration;
using Comet.Hosting;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Comet.Gateway.WebUi;

/// <summary>
/// Serves the web UI's build (Gateway:WebRoot) at /: Vite's hashed files under /assets/ are cached for a year, the
/// page (index.html) is revalidated on every load so a new release shows at once. No folder, no UI: / keeps its 404.
/// </summary>
public static class WebUiSetup
{
    /// <summary>Vite's hashed file names change with their content, so a browser may keep them for good.</summary>
    private const string Immutable = "public, max-age=31536000, immutable";

    /// <summary>The page and unhashed root files (favicon): kept, but checked (ETag) before each use.</summary>
    private const string Revalidate = "no-cache";

    /// <summary>The UI's text files; compressed here only, never the API's answers or event streams going through.</summary>
    private static readonly string[] CompressedTypes =
        ["text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json", "application/manifest+json"];

    /// <summary>The UI's folder, or null when it does not exist (the UI is off).</summary>
    public static string? FindWebRoot(GatewayOptions options, IHostEnvironment environment)
    {
        var root = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.WebRoot));
        return Directory.Exists(root) ? root : null;
    }

    public static IServiceCollection AddWebUi(this IServiceCollection services) =>
        services.AddResponseCompression(o =>
        {
            // The UI's files are the same public bytes for everyone, so compressing them over https leaks nothing (BREACH
            // needs a secret and attacker input in one compressed answer).
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = CompressedTypes;
        })
        .Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest)
        .Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);

    /// <summary>Adds the UI's branch when its folder exists; requests it does not answer go on to the gateway's routes.</summary>
    public static IApplicationBuilder UseWebUi(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var environment = app.ApplicationServices.GetRequiredService<IHostEnvironment>();
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebUiSetup));
        if (FindWebRoot(options, environment) is not { } root)
        {
            logger.LogInformation("Web UI off: its folder {WebRoot} does not exist (Gateway:WebRoot)", Path.Combine(environment.ContentRootPath, options.WebRoot));
            return app;
        }
        logger.LogInformation("Web UI served at / from {WebRoot}", root);

        var files = new PhysicalFileProvider(root);
        var paths = new WebUiPaths(files, app.ApplicationServices.GetRequiredService<RouteTableProvider>());
        var staticFiles = new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = context => PrepareResponse(context.Context.Response, context.Context.Request.Path),
        };
        // What the branch does not serve goes on to the gateway's routes wrapped in the compression, but only paths no
        // route claims come here, so that is never a forwarded answer, only the gateway's own 404.
        return app.UseWhen(paths.IsForTheUi, ui =>
        {
            ui.UseResponseCompression();
            ui.Use((context, next) =>
            {
                if (paths.WantsThePage(context)) context.Request.Path = WebUiPaths.IndexFile;
                return next(context);
            });
            ui.UseStaticFiles(staticFiles);
        });
    }

    private static void PrepareResponse(HttpResponse response, PathString path)
    {
        var headers = response.Headers;
        headers.CacheControl = WebUiPaths.IsHashedAsset(path) ? Immutable : Revalidate;
        // Set here, so the gateway's general policy (meant for Swagger UI, which needs inline styles) does not apply.
        if (WebUiPaths.IsHtml(response.ContentType)) headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy.WebUi;
    }
}
