using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Comet.Hosting;

/// <summary>
/// The Content-Security-Policy of Comet's HTML answers (Swagger UI at both hosts; the web UI has its own, <see cref="WebUi"/>), one text for both
/// hosts. Scripts, styles, fonts and API calls come from Comet's own address only; nothing is framed or frames Comet.
/// Inline styles are allowed because Swagger UI (React) sets style attributes; inline and eval'd scripts are not.
/// data: images are Swagger UI's icons.
/// </summary>
public static class ContentSecurityPolicy
{
    public const string Default =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The web UI's pages: stricter than <see cref="Default"/>, since the UI is Comet's own build (Vite) with no inline
    /// styles or scripts, no fonts from data: and no &lt;base&gt; element.
    /// </summary>
    public const string WebUi =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
        + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /// <summary>Adds <see cref="Default"/> to every text/html answer that does not bring its own policy.</summary>
    public static IApplicationBuilder UseContentSecurityPolicyOnHtml(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var response = context.Response;
        response.OnStarting(() =>
        {
            if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true
                && !response.Headers.ContainsKey("Content-Security-Policy"))
                response.Headers.ContentSecurityPolicy = Default;
            return Task.CompletedTask;
        });
        return next(context);
    });
}
