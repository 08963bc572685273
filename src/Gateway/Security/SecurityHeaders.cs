namespace Comet.Gateway.Security;

/// <summary>Headers every answer carries, the gateway's own and forwarded ones alike.</summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        // Only over https: a browser must not be told to insist on https by a plain-http answer (RFC 6797 §7.2).
        if (context.Request.IsHttps) headers.StrictTransportSecurity = "max-age=31536000";
        return next(context);
    });
}
