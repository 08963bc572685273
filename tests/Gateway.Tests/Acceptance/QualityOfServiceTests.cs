using System.Diagnostics;
using System.Globalization;
using System.Net;
using Comet.TestSupport;
using static Comet.Gateway.Tests.Acceptance.Answers;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>Circuit breaker and timeouts (QoSOptions).</summary>
public sealed class QualityOfServiceTests : AcceptanceTest
{
    public enum Failure
    {
        Answers500,
        Stopped,
    }

    private static Route Guarded(int port, QoSOptions qos) => new()
    {
        UpstreamPathTemplate = "/api/{everything}",
        DownstreamPathTemplate = "/{everything}",
        DownstreamHostAndPorts = [new HostAndPort("127.0.0.1", port)],
        QoSOptions = qos,
    };

    [TestCase(Failure.Answers500)]
    [TestCase(Failure.Stopped)]
    public async Task The_breaker_opens_after_the_allowed_failures_and_closes_after_the_break_once_the_downstream_is_healthy(Failure failure)
    {
        var port = FreePort.Next();
        AcceptanceDownstream? downstream = null;
        if (failure == Failure.Answers500)
        {
            downstream = await StartDownstreamAsync(port: port);
            downstream.FailWith(500);
        }
        var gateway = InMemoryGateway(GatewayConfig.With(Guarded(port, new QoSOptions(ExceptionsAllowedBeforeBreaking: 3, DurationOfBreak: 1000))));
        var failedStatus = failure == Failure.Answers500 ? 500 : 502;

        for (var i = 1; i <= 3; i++)
        {
            using var failed = await gateway.Client.GetAsync("/api/cards");
            Assert.That((int)failed.StatusCode, Is.EqualTo(failedStatus), $"failure {i} is passed on while the breaker is closed");
        }
        var openedAt = Stopwatch.StartNew();
        using (var open = await gateway.Client.GetAsync("/api/cards"))
        {
            await ProblemOf(open, 503);
            var retryAfter = int.Parse(open.Header("Retry-After") ?? "-1", CultureInfo.InvariantCulture);
            Assert.That(retryAfter, Is.InRange(1, 2), "Retry-After: the rest of the 1 s break, rounded up");
            AssertSecurityHeaders(open, "503");
        }
        using (var stillOpen = await gateway.Client.GetAsync("/api/cards"))
            await ProblemOf(stillOpen, 503);
        if (downstream is not null)
            Assert.That(downstream.Count, Is.EqualTo(3), "the open breaker does not call the downstream");

        if (failure == Failure.Answers500) downstream!.Heal();
        else downstream = await StartDownstreamAsync(port: port);
        var countBeforeTrial = failure == Failure.Answers500 ? 3 : 0;

        await Eventually.Until(async () =>
        {
            using var trial = await gateway.Client.GetAsync("/api/cards");
            return trial.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(10), "the breaker closing after its break");

        Assert.That(openedAt.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(0.8)), "the breaker stayed open for its break");
        for (var i = 0; i < 3; i++)
        {
            using var closed = await gateway.Client.GetAsync("/api/cards");
            Assert.That(closed.StatusCode, Is.EqualTo(HttpStatusCode.OK), "closed again after a successful trial");
        }
        Assert.That(downstream.Count, Is.EqualTo(countBeforeTrial + 4), "one trial, then every request reaches the downstream");
    }

    [Test]
    public async Task A_failed_trial_opens_the_breaker_again()
    {
        var downstream = await StartDownstreamAsync();
        downstream.FailWith(500);
        var gateway = InMemoryGateway(GatewayConfig.With(Guarded(downstream.Port, new QoSOptions(ExceptionsAllowedBeforeBreaking: 2, DurationOfBreak: 500))));
        for (var i = 0; i < 2; i++)
        {
            using var failed = await gateway.Client.GetAsync("/api/cards");
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        }

        await Eventually.Until(async () =>
        {
            using var trial = await gateway.Client.GetAsync("/api/cards");
            return trial.StatusCode == HttpStatusCode.InternalServerError;
        }, TimeSpan.FromSeconds(10), "a trial call after the break");
        using var afterFailedTrial = await gateway.Client.GetAsync("/api/cards");

        await ProblemOf(afterFailedTrial, 503);
        Assert.That(downstream.Count, Is.EqualTo(3), "two failures and one trial reached the downstream");
    }

    [Test]
    public async Task The_breaker_opens_after_failures_in_a_row_even_when_the_downstream_was_healthy_before()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Guarded(downstream.Port, new QoSOptions(ExceptionsAllowedBeforeBreaking: 3, DurationOfBreak: 5000))));
        for (var i = 0; i < 5; i++)
        {
            using var healthy = await gateway.Client.GetAsync("/api/cards");
            Assert.That(healthy.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        downstream.FailWith(500);
        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await gateway.Client.GetAsync("/api/cards");
            statuses.Add((int)response.StatusCode);
        }

        Assert.That(statuses, Is.EqualTo(new[] { 500, 500, 500, 503 }),
            "three failures in a row open the breaker, whatever the downstream did before them");
        Assert.That(downstream.Count, Is.EqualTo(8));
    }

    [Test]
    public async Task A_success_between_failures_keeps_the_breaker_closed()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Guarded(downstream.Port, new QoSOptions(ExceptionsAllowedBeforeBreaking: 2, DurationOfBreak: 5000))));

        var statuses = new List<int>();
        foreach (var fail in new[] { true, false, true, false, true, false })
        {
            if (fail) downstream.FailWith(500);
            else downstream.Heal();
            using var response = await gateway.Client.GetAsync("/api/cards");
            statuses.Add((int)response.StatusCode);
        }

        Assert.That(statuses, Is.EqualTo(new[] { 500, 200, 500, 200, 500, 200 }), "never two failures in a row, so never open");
    }

    [Test]
    public async Task A_downstream_slower_than_the_route_timeout_is_a_504()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Guarded(downstream.Port, new QoSOptions(TimeoutValue: 300))));
        var clock = Stopwatch.StartNew();

        using var response = await gateway.Client.GetAsync("/api/slow/5000");

        clock.Stop();
        await ProblemOf(response, 504);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)), "the gateway gives up at the timeout, not when the downstream answers");
        using var fast = await gateway.Client.GetAsync("/api/slow/10");
        Assert.That(fast.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a downstream within the timeout is served");
    }

    [Test]
    public async Task The_timeout_covers_the_wait_for_the_answer_not_a_stream_that_goes_quiet_after_it()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Guarded(downstream.Port, new QoSOptions(TimeoutValue: 300))));
        var patience = TimeSpan.FromSeconds(10);

        using var response = await gateway.Client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead).WaitAsync(patience);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.That(await reader.ReadLineAsync().WaitAsync(patience), Is.EqualTo("data: first"));

        await Task.Delay(TimeSpan.FromSeconds(1)); // over three times the route's timeout with nothing sent
        downstream.ReleaseSecondEvent();

        Assert.That(await reader.ReadLineAsync().WaitAsync(patience), Is.Empty);
        Assert.That(await reader.ReadLineAsync().WaitAsync(patience), Is.EqualTo("data: second"), "the quiet stream was not cut off");
    }

    [Test]
    public async Task Timeouts_count_as_failures_for_the_breaker()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Guarded(downstream.Port, new QoSOptions(ExceptionsAllowedBeforeBreaking: 2, DurationOfBreak: 5000, TimeoutValue: 200))));

        using var first = await gateway.Client.GetAsync("/api/slow/3000");
        using var second = await gateway.Client.GetAsync("/api/slow/3000");
        using var third = await gateway.Client.GetAsync("/api/cards");

        Assert.That((int)first.StatusCode, Is.EqualTo(504));
        Assert.That((int)second.StatusCode, Is.EqualTo(504));
        await ProblemOf(third, 503);
        Assert.That(downstream.RequestsTo("/cards"), Is.Empty, "the open breaker kept the request from the downstream");
    }
}
