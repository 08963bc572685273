using Comet.Gateway.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Comet.Gateway.Security;

/// <summary>Headers every answer carries, the gateway's own and forwarded ones alike.</summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var policy = app.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value.ContentSecurityPolicy;
        // One callback for the app, so a request registers it without making a closure of its own.
        Func<object, Task>? addPolicy = string.IsNullOrWhiteSpace(policy) ? null : response => AddPolicyToPages((HttpResponse)response, policy);
        return app.Use((context, next) =>
        {
            Set(context);
            if (addPolicy is not null) context.Response.OnStarting(addPolicy, context.Response);
            return next(context);
        });
    }

    /// <summary>Sets the headers; again after the response was cleared for an error answer (YARP does that).</summary>
    public static void Set(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        // Only over https: a browser must not be told to insist on https by a plain-http answer (RFC 6797 §7.2).
        if (context.Request.IsHttps) headers.StrictTransportSecurity = "max-age=31536000";
    }

    /// <summary>
    /// Only pages run scripts, so only text/html gets the policy, decided when the answer's type is known. A page
    /// that brings its own policy (a downstream's) keeps it: that service knows what its page needs.
    /// </summary>
    private static Task AddPolicyToPages(HttpResponse response, string policy)
    {
        if (IsHtml(response.ContentType) && !response.Headers.ContainsKey(HeaderNames.ContentSecurityPolicy))
            response.Headers.ContentSecurityPolicy = policy;
        return Task.CompletedTask;
    }

    private static bool IsHtml(string? contentType) =>
        contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var type)
        && type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase);
}
