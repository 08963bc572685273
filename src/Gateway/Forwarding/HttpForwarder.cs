using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Comet.Gateway.Routing;
using Comet.Gateway.Security;
using Comet.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Comet.Gateway.Forwarding;

/// <summary>
/// Forwards one request to a downstream and streams the answer back. Bodies are never buffered in either direction,
/// so Server-Sent Events arrive as they are sent and large downloads keep memory flat.
/// </summary>
public sealed class HttpForwarder(GatewayProblems problems, ClientAddresses addresses, ProxyKey proxyKey, ILogger<HttpForwarder> logger)
{
    // RFC 9110 §7.6.1: these describe one connection, not the message, and must not be forwarded.
    private static readonly HashSet<string> HopByHopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    };

    private const int CopyBufferSize = 81920;

    /// <summary>Sends the request through the route's resilience pipeline; returns what went wrong upstream, or null.</summary>
    public async Task<string?> ForwardAsync(HttpContext context, GatewayRoute route, Uri target, HttpMessageInvoker invoker, string requestId)
    {
        using var request = CreateDownstreamRequest(context, target, out var requestBody);
        HttpResponseMessage response;
        try
        {
            response = await route.Resilience.SendAsync(invoker, request, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return null; // the client went away; nobody is left to answer
        }
        catch (BrokenCircuitException ex)
        {
            var retryAfter = ex.RetryAfter ?? route.Resilience.BreakDuration;
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                $"Calls to {route.Label} are paused after repeated failures of its upstream service; try again later.");
            return "circuit_open";
        }
        catch (TimeoutRejectedException)
        {
            await problems.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "Gateway timeout",
                $"The upstream service did not answer within {route.Resilience.Timeout.TotalSeconds:0.###} seconds.");
            return "timeout";
        }
        catch (HttpRequestException ex) when (ClientBodyErrors.Find(ex) is { } tooLarge)
        {
            // Kestrel refused to read more of the client's body (over the size limit) while we were sending it.
            await problems.WriteAsync(context, tooLarge.StatusCode, tooLarge.StatusCode == 413 ? "Request body too large" : "Bad request", tooLarge.Message);
            return null;
        }
        catch (HttpRequestException ex) when (requestBody?.IsCutOff == true)
        {
            // The downstream read part of the body, then closed the connection without an answer we could read: that
            // is how a server refuses a body over its limit that came without a length (it answers 413 and closes, and
            // the close discards the answer). The body is too large for it, and retrying the same body will not help.
            logger.LogWarning(ex, "{Downstream} closed the connection after {Bytes} bytes of the request body for {Path} (request {RequestId})",
                target.GetLeftPart(UriPartial.Authority), requestBody.BytesSent, context.Request.Path, requestId);
            await problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                $"The upstream service stopped taking the request body after {requestBody.BytesSent} bytes and closed the connection; it does not accept bodies this large.");
            return "body_refused";
        }
        catch (HttpRequestException ex)
        {
            var (kind, detail) = DescribeFailure(ex);
            logger.LogWarning(ex, "Forwarding {Method} {Path} to {Downstream} failed (request {RequestId})",
                context.Request.Method, context.Request.Path, target.GetLeftPart(UriPartial.Authority), requestId);
            await problems.WriteAsync(context, StatusCodes.Status502BadGateway, "Bad gateway", detail);
            return kind;
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
                logger.LogWarning(ex, "Downstream body for {Path} ended early (request {RequestId})", context.Request.Path, requestId);
                context.Abort();
                return "reset";
            }
        }
        return null;
    }

    private HttpRequestMessage CreateDownstreamRequest(HttpContext context, Uri target, out ForwardedRequestBody? body)
    {
        body = null;
        var incoming = context.Request;
        var request = new HttpRequestMessage(HttpMethod.Parse(incoming.Method), target)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        if (HasBody(incoming))
        {
            body = new ForwardedRequestBody(incoming.Body);
            request.Content = new StreamContent(body, CopyBufferSize);
            // The downstream may refuse the body from its headers alone (too large, wrong type, no such hook). With
            // 100-continue it says so before the body is sent and its answer reaches the client; without it, the
            // downstream closes the connection under a body still being sent, which can only end as a 502.
            request.Headers.ExpectContinue = true;
        }

        // Headers the client names in Connection are hop-by-hop too (RFC 9110 §7.6.1).
        var connection = incoming.Headers.Connection;
        HashSet<string>? connectionOptions = null;
        if (connection.Count > 0)
            connectionOptions = new HashSet<string>(
                connection.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)),
                StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHopHeaders.Contains(name) || connectionOptions?.Contains(name) == true
                || string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "Expect", StringComparison.OrdinalIgnoreCase)) continue;
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }

        request.Headers.Remove("X-Forwarded-For");
        if (addresses.ForwardedForDownstream(context) is { } forwardedFor)
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        request.Headers.Remove("X-Forwarded-Proto");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", incoming.Scheme);
        request.Headers.Remove("X-Forwarded-Host");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", incoming.Host.Value);
        // Proves to the orchestrator that the X-Forwarded-* above come from the gateway; a client's own copy is replaced.
        request.Headers.Remove(ProxyKey.HeaderName);
        request.Headers.TryAddWithoutValidation(ProxyKey.HeaderName, proxyKey.Value);
        return request;
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0
        || request.Headers.TransferEncoding.Count > 0
        || (request.ContentLength is null && request.Method is "POST" or "PUT" or "PATCH");

    private static void CopyResponseHeaders(HttpResponseMessage from, HttpResponse to)
    {
        to.StatusCode = (int)from.StatusCode;
        var connection = from.Headers.Connection;
        foreach (var (name, values) in from.Headers.NonValidated)
        {
            if (HopByHopHeaders.Contains(name) || (connection.Count > 0 && connection.Contains(name))) continue;
            to.Headers[name] = ToStringValues(values);
        }
        foreach (var (name, values) in from.Content.Headers.NonValidated)
            to.Headers[name] = ToStringValues(values);
    }

    private static Microsoft.Extensions.Primitives.StringValues ToStringValues(HeaderStringValues values) =>
        values.Count == 1 ? new(values.ToString()) : new(values.ToArray());

    private static async Task CopyFlushingAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                // Flush each chunk: an event stream must not wait for the buffer to fill.
                await destination.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static (string Kind, string Detail) DescribeFailure(HttpRequestException ex) => ex.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } =>
            ("refused", "The upstream service refused the connection; it may not be running."),
        SocketException socket => ("unreachable", $"The upstream service could not be reached ({socket.SocketErrorCode})."),
        IOException => ("reset", "The upstream service closed the connection before answering."),
        _ => ("unreachable", "The upstream service could not be reached: " + ex.Message),
    };
}
