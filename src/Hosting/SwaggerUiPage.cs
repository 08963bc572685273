using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Comet.Hosting;

/// <summary>
/// Swagger UI answered at /swagger itself (the address the README and the start-up banner give), not by a redirect to
/// /swagger/index.html. The page's links to its scripts and styles are relative ("./index.css"), which from /swagger
/// would point at the site root, so the page gets a &lt;base href="/swagger/"&gt; and /swagger and /swagger/ are served
/// the page itself.
/// </summary>
public static class SwaggerUiPage
{
    public const string Root = "/swagger";
    private const string Index = Root + "/index.html";

    /// <summary>
    /// Serves the UI's page at /swagger and /swagger/. Call before UseSwaggerUI. The page's Content-Security-Policy is
    /// the host's (the orchestrator's UseContentSecurityPolicyOnHtml, the gateway's configurable security headers).
    /// </summary>
    public static IApplicationBuilder UseSwaggerUiAtItsRoot(this IApplicationBuilder app)
    {
        return app.Use((context, next) =>
        {
            if (context.Request.Path.Value is Root or Root + "/") context.Request.Path = Index;
            return next(context);
        });
    }

    /// <summary>Wraps SwaggerUIOptions.IndexStream: the same page with a base address, so it works at /swagger too.</summary>
    public static Func<Stream> WithBaseAddress(Func<Stream> index) => () =>
    {
        using var reader = new StreamReader(index(), Encoding.UTF8);
        var page = reader.ReadToEnd();
        var head = page.IndexOf("<head>", StringComparison.OrdinalIgnoreCase);
        if (head >= 0) page = page.Insert(head + "<head>".Length, $"\n    <base href=\"{Root}/\">");
        return new MemoryStream(Encoding.UTF8.GetBytes(page));
    };
}
