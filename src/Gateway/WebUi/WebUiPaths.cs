using Comet.Gateway.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Comet.Gateway.WebUi;

/// <summary>
/// Which requests the web UI answers. The API and the gateway keep every path they own, so a deep link can never hide
/// an API answer (a 404 problem+json stays one), and a missing asset is a 404, never a page of HTML posing as script.
/// </summary>
public sealed class WebUiPaths(IFileProvider files, RouteTableProvider routes)
{
    public const string IndexFile = "/index.html";
    public const string AssetsFolder = "/assets";

    /// <summary>The paths of the orchestrator's API and of the gateway itself, whether or not the route file lists them.</summary>
    private static readonly PathString[] Reserved =
        ["/api", "/auth", "/hooks", "/health", "/metrics", "/swagger", "/.well-known"];

    /// <summary>A GET or HEAD for a path no API, gateway endpoint or route owns: the UI's to answer or to pass on.</summary>
    public bool IsForTheUi(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) return false;
        foreach (var prefix in Reserved)
            if (request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)) return false;
        return !routes.Current.Claims(request.Path.ToUriComponent());
    }

    /// <summary>
    /// The page itself answers "/" and every deep link a browser navigates to (it asks for text/html) that is no file
    /// of the build; the page's router then shows the view or its own "not found".
    /// </summary>
    public bool WantsThePage(HttpContext context)
    {
        var path = context.Request.Path;
        if (path == "/") return true;
        if (path.StartsWithSegments(AssetsFolder, StringComparison.OrdinalIgnoreCase)) return false;
        if (files.GetFileInfo(path.Value!) is { Exists: true, IsDirectory: false }) return false;
        return AcceptsHtml(context.Request);
    }

    private static bool AcceptsHtml(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        return accept.Any(type => type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) && type.Quality is not 0);
    }

    public static bool IsHashedAsset(PathString path) => path.StartsWithSegments(AssetsFolder, StringComparison.OrdinalIgnoreCase);

    public static bool IsHtml(string? contentType) =>
        contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var type)
        && type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase);
}
