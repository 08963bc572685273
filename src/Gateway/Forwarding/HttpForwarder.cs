using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace Comet.Gateway.Forwarding;

/// <summary>
/// Forwards one request to a downstream and streams the answer back. Bodies are never buffered in
/// either direction, so Server-Sent Events arrive as they are sent and large downloads keep memory flat.
/// </summary>
public sealed class HttpForwarder(HttpMessageInvoker invoker, IProblemDetailsService problems, ILogger<HttpForwarder> logger)
{
    // RFC 9110 §7.6.1: these describe one connection, not the message, and must not be forwarded.
    private static readonly HashSet<string> HopByHopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    };

    private const int CopyBufferSize = 81920;

    public static SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        EnableMultipleHttp2Connections = true,
    };

    public async Task ForwardAsync(HttpContext context, Uri downstreamBase, TimeSpan headersTimeout)
    {
        using var request = CreateDownstreamRequest(context, downstreamBase);
        HttpResponseMessage response;
        using (var headersDeadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
        {
            headersDeadline.CancelAfter(headersTimeout);
            try
            {
                response = await invoker.SendAsync(request, headersDeadline.Token);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return; // the client went away; nobody is left to answer
            }
            catch (OperationCanceledException)
            {
                await WriteProblem(context, StatusCodes.Status504GatewayTimeout, "Gateway timeout",
                    $"The upstream service did not answer within {headersTimeout.TotalSeconds:0} seconds.");
                return;
            }
            catch (HttpRequestException ex)
            {
                logger.LogWarning(ex, "Forwarding {Method} {Path} to {Downstream} failed", context.Request.Method, context.Request.Path, downstreamBase);
                await WriteProblem(context, StatusCodes.Status502BadGateway, "Bad gateway", DescribeFailure(ex));
                return;
            }
        }

        using (response)
        {
            CopyResponseHeaders(response, context.Response);
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            try
            {
                await CopyFlushingAsync(body, context.Response.Body, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // Client disconnected: disposing the response cancels the downstream call.
            }
            catch (IOException ex) when (!context.RequestAborted.IsCancellationRequested)
            {
                // The downstream broke off mid-body; headers are gone, so all we can do is stop.
                logger.LogWarning(ex, "Downstream body for {Path} ended early", context.Request.Path);
                context.Abort();
            }
        }
    }

    private static HttpRequestMessage CreateDownstreamRequest(HttpContext context, Uri downstreamBase)
    {
        var incoming = context.Request;
        var target = new UriBuilder(downstreamBase)
        {
            Path = downstreamBase.AbsolutePath.TrimEnd('/') + incoming.PathBase + incoming.Path,
            Query = incoming.QueryString.HasValue ? incoming.QueryString.Value![1..] : "",
        }.Uri;
        var request = new HttpRequestMessage(new HttpMethod(incoming.Method), target)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        if (HasBody(incoming))
            request.Content = new StreamContent(incoming.Body, CopyBufferSize);

        // Headers the client names in Connection are hop-by-hop too (RFC 9110 §7.6.1).
        var connectionOptions = new HashSet<string>(
            incoming.Headers.Connection.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)),
            StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHopHeaders.Contains(name) || connectionOptions.Contains(name)
                || string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase)) continue;
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }

        var remote = context.Connection.RemoteIpAddress?.ToString();
        if (remote is not null)
        {
            var prior = incoming.Headers["X-Forwarded-For"].ToString();
            request.Headers.Remove("X-Forwarded-For");
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", string.IsNullOrEmpty(prior) ? remote : $"{prior}, {remote}");
        }
        request.Headers.Remove("X-Forwarded-Proto");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", incoming.Scheme);
        request.Headers.Remove("X-Forwarded-Host");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", incoming.Host.Value);
        return request;
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0
        || request.Headers.TransferEncoding.Count > 0
        || (request.ContentLength is null && request.Method is "POST" or "PUT" or "PATCH");

    private static void CopyResponseHeaders(HttpResponseMessage from, HttpResponse to)
    {
        to.StatusCode = (int)from.StatusCode;
        var connectionOptions = new HashSet<string>(from.Headers.Connection, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in from.Headers.Concat(from.Content.Headers))
        {
            if (HopByHopHeaders.Contains(name) || connectionOptions.Contains(name)) continue;
            to.Headers[name] = values.ToArray();
        }
    }

    private static async Task CopyFlushingAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var buffer = new byte[CopyBufferSize];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            // Flush each chunk: an event stream must not wait for the buffer to fill.
            await destination.FlushAsync(cancellationToken);
        }
    }

    private static string DescribeFailure(HttpRequestException ex) => ex.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } =>
            "The upstream service refused the connection; it may not be running.",
        SocketException socket => $"The upstream service could not be reached ({socket.SocketErrorCode}).",
        IOException => "The upstream service closed the connection before answering.",
        _ => "The upstream service could not be reached: " + ex.Message,
    };

    private async Task WriteProblem(HttpContext context, int status, string title, string detail)
    {
        if (context.Response.HasStarted) { context.Abort(); return; }
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
