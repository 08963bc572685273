using Comet.Gateway.Forwarding;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Comet.Gateway.Security;

/// <summary>
/// Limits on a request's line and headers, answered with a problem body. Kestrel enforces its own limits while it
/// parses, before any middleware, and answers 431 or 414 with an empty body; so Kestrel's limits are raised to
/// <see cref="ParserHeadersBytes"/> and <see cref="ParserRequestLineBytes"/> and the real ones are checked here. The
/// real ones are Kestrel's defaults, which the orchestrator applies: a larger head could not be forwarded anyway.
/// </summary>
public static class RequestHeadLimits
{
    public const int MaxHeadersBytes = 32 * 1024;
    public const int MaxHeaderCount = 100;
    public const int MaxRequestLineBytes = 8 * 1024;

    /// <summary>What Kestrel itself still refuses with an empty body: heads that are plainly abuse.</summary>
    public const int ParserHeadersBytes = 256 * 1024;
    public const int ParserRequestLineBytes = 64 * 1024;
    public const int ParserHeaderCount = 1000;

    public static void RaiseParserLimits(KestrelServerLimits limits)
    {
        limits.MaxRequestHeadersTotalSize = ParserHeadersBytes;
        limits.MaxRequestLineSize = ParserRequestLineBytes;
        limits.MaxRequestHeaderCount = ParserHeaderCount;
    }

    public static IApplicationBuilder UseRequestHeadLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var refusal = Check(context);
        if (refusal is null)
        {
            await next(context);
            return;
        }
        var (status, title, detail) = refusal.Value;
        // The connection is not worth keeping: the client sent a head this server will not read again.
        context.Response.Headers.Connection = "close";
        await context.RequestServices.GetRequiredService<GatewayProblems>().WriteAsync(context, status, title, detail);
    });

    private static (int Status, string Title, string Detail)? Check(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value + request.QueryString.Value;
        // Method, target and version, as on the wire ("GET /x HTTP/1.1\r\n").
        var lineBytes = request.Method.Length + 1 + target.Length + 1 + request.Protocol.Length + 2;
        if (lineBytes > MaxRequestLineBytes)
            return (StatusCodes.Status414UriTooLong, "URI too long",
                $"The request line has {lineBytes} bytes; this gateway accepts at most {MaxRequestLineBytes}. Send long data in the body.");

        long headerBytes = 0;
        var count = 0;
        string? largest = null;
        long largestBytes = 0;
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                count++;
                // "Name: value\r\n"; ASCII in practice, and a header of other bytes is not smaller.
                var bytes = name.Length + 2 + (value?.Length ?? 0) + 2;
                headerBytes += bytes;
                if (bytes > largestBytes) (largest, largestBytes) = (name, bytes);
            }
        }
        if (count > MaxHeaderCount)
            return (StatusCodes.Status431RequestHeaderFieldsTooLarge, "Request header fields too large",
                $"The request has {count} header fields; this gateway accepts at most {MaxHeaderCount}.");
        if (headerBytes > MaxHeadersBytes)
            return (StatusCodes.Status431RequestHeaderFieldsTooLarge, "Request header fields too large",
                $"The request headers have {headerBytes} bytes (the largest, {largest}, has {largestBytes}); this gateway accepts at most {MaxHeadersBytes} in all.");
        return null;
    }
}
