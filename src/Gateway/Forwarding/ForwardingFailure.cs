using System.Globalization;
using System.Net.Sockets;
using Comet.Gateway.Routing;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Yarp.ReverseProxy.Forwarder;

namespace Comet.Gateway.Forwarding;

/// <summary>The problem answer the gateway gives in place of the downstream's.</summary>
public sealed record GatewayAnswer(int Status, string Title, string Detail, TimeSpan? RetryAfter = null);

/// <summary>
/// How a forwarding that YARP reports as failed ends for the client: <see cref="UpstreamError"/> is what
/// comet_gateway_upstream_errors counts (null when the downstream is not to blame), <see cref="Answer"/> what the
/// client is told (null when the downstream's answer already went out, or nobody is left to tell).
/// </summary>
public sealed record ForwardingFailure(string? UpstreamError, GatewayAnswer? Answer)
{
    /// <summary>The client went away, or the downstream answered and the failure came after: nothing to say or count.</summary>
    private static readonly ForwardingFailure Nothing = new(null, null);

    /// <param name="error">What YARP reported.</param>
    /// <param name="exception">The exception YARP reported with it (IForwarderErrorFeature).</param>
    /// <param name="body">The request body as the gateway counted it, when the request had one.</param>
    /// <param name="answered">Whether the downstream's answer reached YARP (false: the call failed before one came).</param>
    public static ForwardingFailure Of(ForwarderError error, Exception? exception, GatewayRoute route, LimitedRequestBody? body, bool answered) => error switch
    {
        ForwarderError.None => Nothing,

        // The client went away or stopped reading; nobody is left to answer.
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled
            or ForwarderError.ResponseBodyClient or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeResponseCanceled
            or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseClient or ForwarderError.UpgradeActivityTimeout => Nothing,

        // Reading the client's body failed: over the limit (413 from LimitedRequestBody), malformed, or cut off.
        ForwarderError.RequestBodyClient when answered => Nothing,
        ForwarderError.RequestBodyClient => Find<BadHttpRequestException>(exception) is { } bad
            ? new(null, new GatewayAnswer(bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request", bad.Message))
            : new(null, new GatewayAnswer(StatusCodes.Status400BadRequest, "Bad request", "The request body could not be read: the client stopped sending it.")),

        // The downstream stopped taking the body. Having answered (its 413, say), its answer was passed on.
        ForwarderError.RequestBodyDestination when answered => Nothing,
        ForwarderError.RequestBodyDestination => body?.BytesRead > 0 ? BodyRefused(body.BytesRead) : Reset,

        ForwarderError.ResponseHeaders => new("reset", BadGateway("The upstream service's answer could not be passed on: " + exception?.Message)),
        // Written only while nothing of the answer went out; after that YARP has already broken off the client's answer too.
        ForwarderError.ResponseBodyDestination => new("reset", BadGateway("The upstream service broke off its answer.")),
        // A WebSocket the downstream dropped: the upgrade answer went out long ago.
        ForwarderError.UpgradeRequestDestination or ForwarderError.UpgradeResponseDestination => new("reset", null),

        ForwarderError.RequestCreation => new(null, BadGateway("The request could not be passed on: " + exception?.Message)),
        _ => NoAnswer(error, exception, route, body),
    };

    /// <summary>The call ended before any answer: the breaker, the timeout, or the connection.</summary>
    private static ForwardingFailure NoAnswer(ForwarderError error, Exception? exception, GatewayRoute route, LimitedRequestBody? body)
    {
        if (Find<BrokenCircuitException>(exception) is { } broken)
            return new("circuit_open", new GatewayAnswer(StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                $"Calls to {route.Label} are paused after repeated failures of its upstream service; try again later.",
                broken.RetryAfter ?? route.Resilience.BreakDuration));
        if (Find<TimeoutRejectedException>(exception) is not null)
            return new("timeout", new GatewayAnswer(StatusCodes.Status504GatewayTimeout, "Gateway timeout",
                string.Create(CultureInfo.InvariantCulture, $"The upstream service did not answer within {route.Resilience.Timeout.TotalSeconds:0.###} seconds.")));
        if (error == ForwarderError.RequestTimedOut)
            return new("timeout", new GatewayAnswer(StatusCodes.Status504GatewayTimeout, "Gateway timeout",
                Find<TimeoutException>(exception) is not null
                    ? "The upstream service did not accept the connection in time."
                    : "The upstream service did not answer in time."));
        // The downstream read part of the body, then closed the connection without an answer we could read: that is
        // how a server refuses a body over its limit that came without a length (it answers 413 and closes, and the
        // close discards the answer). The body is too large for it, and retrying the same body will not help.
        if (body?.IsCutOff == true) return BodyRefused(body.BytesRead);
        return Find<HttpRequestException>(exception) is { } failed
            ? Describe(failed)
            : new("unreachable", BadGateway("The upstream service could not be reached: " + exception?.Message));
    }

    private static readonly ForwardingFailure Reset = new("reset", BadGateway("The upstream service closed the connection before answering."));

    private static ForwardingFailure BodyRefused(long bytes) => new("body_refused", new GatewayAnswer(StatusCodes.Status413PayloadTooLarge,
        "Request body too large",
        string.Create(CultureInfo.InvariantCulture,
            $"The upstream service stopped taking the request body after {bytes} bytes and closed the connection; it does not accept bodies this large.")));

    private static ForwardingFailure Describe(HttpRequestException failed) => failed.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } =>
            new("refused", BadGateway("The upstream service refused the connection; it may not be running.")),
        SocketException socket => new("unreachable", BadGateway($"The upstream service could not be reached ({socket.SocketErrorCode}).")),
        IOException => Reset,
        _ => new("unreachable", BadGateway("The upstream service could not be reached: " + failed.Message)),
    };

    private static GatewayAnswer BadGateway(string detail) => new(StatusCodes.Status502BadGateway, "Bad gateway", detail);

    /// <summary>The first <typeparamref name="T"/> among an exception and its inner ones (YARP reports some failures as an AggregateException).</summary>
    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is T found) return found;
            if (inner is AggregateException aggregate)
                foreach (var each in aggregate.InnerExceptions)
                    if (Find<T>(each) is { } nested) return nested;
        }
        return null;
    }
}
