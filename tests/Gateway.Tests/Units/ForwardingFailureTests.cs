using System.Net.Sockets;
using Comet.Gateway.Forwarding;
using Comet.Gateway.Routing;
using Microsoft.AspNetCore.Http;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Yarp.ReverseProxy.Forwarder;
using static Comet.Gateway.Tests.Units.RouteFiles;

namespace Comet.Gateway.Tests.Units;

/// <summary>What each failure YARP reports becomes: the problem answer the client gets and the upstream error counted.</summary>
public sealed class ForwardingFailureTests
{
    private static readonly GatewayRoute Route = Build(File(
        RouteFiles.Route("/api/{everything}", "/{everything}",
            """, "QoSOptions": { "ExceptionsAllowedBeforeBreaking": 2, "DurationOfBreak": 4000, "TimeoutValue": 300 }"""))).Routes.Single();

    private static ForwardingFailure Of(ForwarderError error, Exception? exception, LimitedRequestBody? body = null, bool answered = false) =>
        ForwardingFailure.Of(error, exception, Route, body, answered);

    /// <summary>A body of which <paramref name="read"/> of its 4096 bytes went downstream before the failure.</summary>
    private static LimitedRequestBody BodyCutAfter(int read)
    {
        var body = new LimitedRequestBody(new MemoryStream(new byte[4096]), 1 << 20);
        if (read > 0) body.ReadExactly(new byte[read]);
        return body;
    }

    private static HttpRequestException ConnectFailure(SocketError error) =>
        new("connect failed", new SocketException((int)error));

    private static void AssertAnswer(ForwardingFailure failure, string? upstreamError, int status, string detail)
    {
        Assert.Multiple(() =>
        {
            Assert.That(failure.UpstreamError, Is.EqualTo(upstreamError));
            Assert.That(failure.Answer?.Status, Is.EqualTo(status));
            Assert.That(failure.Answer?.Detail, Does.StartWith(detail));
        });
    }

    [Test]
    public void An_open_breaker_is_a_503_with_the_rest_of_the_break_to_wait()
    {
        var failure = Of(ForwarderError.Request, new BrokenCircuitException(TimeSpan.FromSeconds(3)));

        AssertAnswer(failure, "circuit_open", 503, "Calls to /api/{everything} are paused after repeated failures of its upstream service");
        Assert.That(failure.Answer!.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public void An_open_breaker_that_does_not_say_how_long_is_waited_out_for_the_whole_break()
    {
        var failure = Of(ForwarderError.Request, new BrokenCircuitException());

        Assert.That(failure.Answer!.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(4)));
    }

    [Test]
    public void The_routes_timeout_is_a_504_naming_it()
    {
        AssertAnswer(Of(ForwarderError.Request, new TimeoutRejectedException()), "timeout", 504,
            "The upstream service did not answer within 0.3 seconds.");
    }

    [Test]
    public void No_connection_within_the_connect_timeout_is_a_504()
    {
        var connectTimeout = new TaskCanceledException("canceled", new TimeoutException("A connection could not be established within the configured ConnectTimeout."));

        AssertAnswer(Of(ForwarderError.RequestTimedOut, connectTimeout), "timeout", 504, "The upstream service did not accept the connection in time.");
    }

    [Test]
    public void A_refused_connection_is_a_502_saying_so()
    {
        AssertAnswer(Of(ForwarderError.Request, ConnectFailure(SocketError.ConnectionRefused)), "refused", 502,
            "The upstream service refused the connection; it may not be running.");
    }

    [Test]
    public void An_unreachable_host_is_a_502_naming_the_socket_error()
    {
        AssertAnswer(Of(ForwarderError.Request, ConnectFailure(SocketError.HostUnreachable)), "unreachable", 502,
            "The upstream service could not be reached (HostUnreachable).");
    }

    [Test]
    public void A_connection_closed_before_the_answer_is_a_502_reset()
    {
        AssertAnswer(Of(ForwarderError.Request, new HttpRequestException("closed", new IOException("reset"))), "reset", 502,
            "The upstream service closed the connection before answering.");
    }

    [Test]
    public void A_connection_closed_in_the_middle_of_the_request_body_is_a_413()
    {
        var failure = Of(ForwarderError.Request, new HttpRequestException("closed", new IOException("reset")), BodyCutAfter(1024));

        AssertAnswer(failure, "body_refused", 413, "The upstream service stopped taking the request body after 1024 bytes");
    }

    [Test]
    public void The_downstream_failing_to_take_part_of_the_body_is_a_413()
    {
        AssertAnswer(Of(ForwarderError.RequestBodyDestination, new IOException("broken pipe"), BodyCutAfter(2048)), "body_refused", 413,
            "The upstream service stopped taking the request body after 2048 bytes");
    }

    [Test]
    public void The_downstream_failing_before_any_of_the_body_is_a_502_reset()
    {
        AssertAnswer(Of(ForwarderError.RequestBodyDestination, new IOException("broken pipe"), BodyCutAfter(0)), "reset", 502,
            "The upstream service closed the connection before answering.");
    }

    [Test]
    public void A_client_body_over_the_limit_is_the_clients_413_and_no_upstream_error()
    {
        var tooLarge = new BadHttpRequestException("Request body too large. The max request body size is 1024 bytes.", StatusCodes.Status413PayloadTooLarge);

        var failure = Of(ForwarderError.RequestBodyClient, new AggregateException(tooLarge, new HttpRequestException("copy failed")));

        AssertAnswer(failure, null, 413, "Request body too large. The max request body size is 1024 bytes.");
        Assert.That(failure.Answer!.Title, Is.EqualTo("Request body too large"));
    }

    [Test]
    public void A_client_body_that_stops_arriving_is_a_400_and_no_upstream_error()
    {
        var failure = Of(ForwarderError.RequestBodyClient, new AggregateException(new IOException("unexpected end of request content")));

        AssertAnswer(failure, null, 400, "The request body could not be read: the client stopped sending it.");
    }

    [TestCase(ForwarderError.RequestBodyClient)]
    [TestCase(ForwarderError.RequestBodyDestination)]
    public void A_body_failure_after_the_downstream_answered_leaves_its_answer_alone(ForwarderError error)
    {
        var failure = Of(error, new IOException("broken pipe"), BodyCutAfter(2048), answered: true);

        Assert.That(failure, Is.EqualTo(new ForwardingFailure(null, null)));
    }

    [Test]
    public void An_answer_broken_off_by_the_downstream_is_a_502_while_nothing_went_out()
    {
        AssertAnswer(Of(ForwarderError.ResponseBodyDestination, new IOException("reset"), answered: true), "reset", 502,
            "The upstream service broke off its answer.");
    }

    [TestCase(ForwarderError.RequestCanceled)]
    [TestCase(ForwarderError.RequestBodyCanceled)]
    [TestCase(ForwarderError.ResponseBodyClient)]
    [TestCase(ForwarderError.ResponseBodyCanceled)]
    [TestCase(ForwarderError.UpgradeRequestClient)]
    [TestCase(ForwarderError.UpgradeResponseClient)]
    public void A_client_that_went_away_gets_no_answer_and_counts_no_upstream_error(ForwarderError error)
    {
        Assert.That(Of(error, new OperationCanceledException()), Is.EqualTo(new ForwardingFailure(null, null)));
    }

    [TestCase(ForwarderError.UpgradeRequestDestination)]
    [TestCase(ForwarderError.UpgradeResponseDestination)]
    public void A_websocket_the_downstream_dropped_counts_as_reset_without_an_answer(ForwarderError error)
    {
        Assert.That(Of(error, new IOException("reset"), answered: true), Is.EqualTo(new ForwardingFailure("reset", null)));
    }

    [Test]
    public void A_request_that_cannot_be_built_is_a_502_but_not_the_downstreams_fault()
    {
        AssertAnswer(Of(ForwarderError.RequestCreation, new InvalidOperationException("bad header")), null, 502,
            "The request could not be passed on: bad header");
    }
}
