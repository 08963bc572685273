using System.Net.WebSockets;
using Comet.Gateway.Security;
using Comet.Hosting;

namespace Comet.Gateway.Forwarding;

/// <summary>
/// Proxies a WebSocket: connects to the downstream first (so a dead downstream is still a 502 answer), then accepts
/// the client's upgrade and relays messages both ways until either side closes.
/// </summary>
public sealed class WebSocketForwarder(GatewayProblems problems, ClientAddresses addresses, ProxyKey proxyKey, ILogger<WebSocketForwarder> logger)
{
    // Headers that belong to the client's own handshake; ClientWebSocket makes its own.
    private static readonly HashSet<string> HandshakeHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Upgrade", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions",
        "Sec-WebSocket-Protocol", "Content-Length", "Transfer-Encoding", "Keep-Alive", "TE", "Proxy-Connection",
    };

    public async Task<string?> ForwardAsync(HttpContext context, Uri target, HttpMessageInvoker invoker)
    {
        using var downstream = new ClientWebSocket();
        foreach (var protocol in context.WebSockets.WebSocketRequestedProtocols)
            downstream.Options.AddSubProtocol(protocol);
        foreach (var (name, values) in context.Request.Headers)
            if (!HandshakeHeaders.Contains(name))
                downstream.Options.SetRequestHeader(name, values.ToString());
        downstream.Options.SetRequestHeader("X-Forwarded-For", addresses.ForwardedForDownstream(context));
        downstream.Options.SetRequestHeader("X-Forwarded-Proto", context.Request.Scheme);
        downstream.Options.SetRequestHeader("X-Forwarded-Host", context.Request.Host.Value);
        // Replaces any copy the client sent: only the gateway's own key makes the orchestrator believe the lines above.
        downstream.Options.SetRequestHeader(ProxyKey.HeaderName, proxyKey.Value);

        try
        {
            await downstream.ConnectAsync(target, invoker, context.RequestAborted);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException && !context.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning(ex, "WebSocket to {Target} failed", target);
            await problems.WriteAsync(context, StatusCodes.Status502BadGateway, "Bad gateway",
                "The upstream service did not accept the WebSocket connection.");
            return "refused";
        }

        using var client = await context.WebSockets.AcceptWebSocketAsync(downstream.SubProtocol);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var up = RelayAsync(client, downstream, stop.Token);
        var down = RelayAsync(downstream, client, stop.Token);
        await Task.WhenAny(up, down);
        // One side closed; give the other a moment to finish its close handshake, then drop everything.
        stop.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await Task.WhenAll(up, down);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // a side vanished without closing; nothing more to relay
        }
        return null;
    }

    private static async Task RelayAsync(WebSocket from, WebSocket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var received = await from.ReceiveAsync(buffer, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    await to.CloseOutputAsync(from.CloseStatus ?? WebSocketCloseStatus.NormalClosure, from.CloseStatusDescription, cancellationToken);
                return;
            }
            await to.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, cancellationToken);
        }
    }
}
