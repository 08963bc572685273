using System.Net;
using System.Net.Http.Json;
using Comet.Orchestrator.Tests.Pipelines;
using Comet.Orchestrator.Tests.Testing;

namespace Comet.Orchestrator.Tests.Outbound;

/// <summary>
/// The outbox through a real orchestrator and real HTTP on loopback: messages committed in a unit of work reach a fake
/// receiver once, failures are retried and recorded, rejections and exhausted messages go dead and can be sent again,
/// and a destination that keeps failing trips its breaker.
/// </summary>
public sealed class OutboxTests : PipelineTestBase
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Outbound:AllowPrivateAddresses"] = "true",
        ["Outbox:BaseDelay"] = "00:00:00.050",
        ["Outbox:MaxDelay"] = "00:00:00.200",
        ["Outbox:MaxAttempts"] = "3",
        ["Outbox:PollInterval"] = "00:00:00.100",
        ["Outbox:BreakerMinimumThroughput"] = "5",
        ["Outbox:BreakerDuration"] = "00:00:30",
    };

    private async Task<string> ProjectAsync() =>
        (await Client.CreateProjectAsync($"https://github.com/acme/outbox-{Guid.NewGuid():N}.git", "github")).Slug;

    [Test]
    public async Task A_committed_message_is_delivered_once_with_its_credential_and_delivery_id()
    {
        await using var receiver = await FakeReceiver.StartAsync();
        var slug = await ProjectAsync();
        await Client.SetSecretAsync(slug, "HOOK_TOKEN", "s3cret-value");

        var id = await Factory.EnqueueHttpAsync(slug, receiver.Url + "/hook", "{\"n\":1}", tokenSecret: "HOOK_TOKEN");

        var delivery = await Client.WaitForDeliveryAsync(id, "delivered");
        await Task.Delay(300); // nothing more may arrive
        var request = receiver.Received.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(request.Path, Is.EqualTo("/hook"));
            Assert.That(request.Body, Is.EqualTo("{\"n\":1}"));
            Assert.That(request.Header("Authorization"), Is.EqualTo("Bearer s3cret-value"));
            Assert.That(request.Header("X-Test"), Is.EqualTo("yes"));
            Assert.That(request.DeliveryId, Is.EqualTo(id.ToString()));
            Assert.That(delivery.GetProperty("attempts").GetInt32(), Is.EqualTo(1));
            Assert.That(delivery.Attempts().Single().GetProperty("request").GetString(), Is.EqualTo($"POST {receiver.Url}/hook"));
            Assert.That(delivery.Attempts().Single().GetProperty("statusCode").GetInt32(), Is.EqualTo(200));
            Assert.That(delivery.ToString(), Does.Not.Contain("s3cret-value"), "the delivery log never shows a credential");
        });
    }

    [Test]
    public async Task A_500_then_a_200_is_two_attempts_on_record_and_delivered()
    {
        await using var receiver = await FakeReceiver.StartAsync();
        var calls = 0;
        receiver.Responder = _ => Interlocked.Increment(ref calls) == 1 ? new FakeAnswer(500, "{\"error\":\"upstream down\"}") : FakeAnswer.Ok;
        var slug = await ProjectAsync();

        var id = await Factory.EnqueueHttpAsync(slug, receiver.Url + "/flaky");

        var delivery = await Client.WaitForDeliveryAsync(id, "delivered");
        var attempts = delivery.Attempts().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(attempts.Select(a => (a.GetProperty("number").GetInt32(), a.GetProperty("statusCode").GetInt32(), a.GetProperty("result").GetString())),
                Is.EqualTo(new[] { (1, 500, "retry"), (2, 200, "delivered") }));
            Assert.That(attempts[0].GetProperty("answer").GetString(), Is.EqualTo("{\"error\":\"upstream down\"}"));
            Assert.That(delivery.GetProperty("attempts").GetInt32(), Is.EqualTo(2));
            Assert.That(receiver.Received.Select(r => r.DeliveryId), Is.All.EqualTo(id.ToString()), "every attempt carries the same delivery id");
        });
    }

    [Test]
    public async Task A_message_that_keeps_failing_is_dead_after_MaxAttempts_and_listed_as_dead_then_redelivered()
    {
        await using var receiver = await FakeReceiver.StartAsync();
        receiver.Responder = _ => new FakeAnswer(503, "busy");
        var slug = await ProjectAsync();

        var id = await Factory.EnqueueHttpAsync(slug, receiver.Url + "/down");

        var dead = await Client.WaitForDeliveryAsync(id, "dead");
        Assert.Multiple(() =>
        {
            Assert.That(dead.GetProperty("attempts").GetInt32(), Is.EqualTo(3));
            Assert.That(dead.GetProperty("deadReason").GetString(), Is.EqualTo("gave up after 3 attempts: 503: busy"));
            Assert.That(receiver.Received, Has.Count.EqualTo(3));
        });
        var listed = await Client.ListOutboundAsync(slug, "dead");
        Assert.That(listed.Select(d => d.GetProperty("id").GetGuid()), Is.EqualTo(new[] { id }));
        Assert.That(await Client.ListOutboundAsync(slug, "pending"), Is.Empty);

        receiver.Responder = _ => FakeAnswer.Ok;
        using (var redeliver = await Client.PostAsync($"/api/v1/projects/{slug}/deliveries/redeliver-dead", null))
        {
            Assert.That(redeliver.StatusCode, Is.EqualTo(HttpStatusCode.OK), await redeliver.Content.ReadAsStringAsync());
            Assert.That((await redeliver.ReadJsonAsync()).GetProperty("count").GetInt32(), Is.EqualTo(1));
        }
        var delivered = await Client.WaitForDeliveryAsync(id, "delivered");
        Assert.That(delivered.GetProperty("attempts").GetInt32(), Is.EqualTo(1), "a redelivery starts counting again");
        Assert.That(delivered.Attempts().Count(), Is.EqualTo(4), "the earlier attempts stay on record");
    }

    [Test]
    public async Task A_retry_that_would_come_after_MaxAge_makes_the_message_dead_instead()
    {
        await using var receiver = await FakeReceiver.StartAsync();
        // Two days from now, past the 24-hour MaxAge: waiting that long would deliver a status nobody wants any more.
        receiver.Responder = _ => new FakeAnswer(503, "maintenance", new Dictionary<string, string> { ["Retry-After"] = "172800" });
        var slug = await ProjectAsync();

        var id = await Factory.EnqueueHttpAsync(slug, receiver.Url + "/maintenance");

        var dead = await Client.WaitForDeliveryAsync(id, "dead");
        Assert.Multiple(() =>
        {
            Assert.That(dead.GetProperty("attempts").GetInt32(), Is.EqualTo(1), "one attempt, not MaxAttempts");
            Assert.That(dead.GetProperty("deadReason").GetString(),
                Does.StartWith("gave up: the next attempt would come more than 1.00:00:00 after the message was written").And.Contain("503"));
            Assert.That(receiver.Received, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task A_401_is_dead_at_once_and_redeliver_sends_it_again()
    {
        await using var receiver = await FakeReceiver.StartAsync();
        receiver.Responder = _ => new FakeAnswer(401, "{\"message\":\"Bad credentials\"}");
        var slug = await ProjectAsync();

        var id = await Factory.EnqueueHttpAsync(slug, receiver.Url + "/auth");

        var dead = await Client.WaitForDeliveryAsync(id, "dead");
        Assert.Multiple(() =>
        {
            Assert.That(dead.GetProperty("attempts").GetInt32(), Is.EqualTo(1), "a rejection is not retried");
            Assert.That(dead.GetProperty("deadReason").GetString(), Is.EqualTo("rejected: 401: {\"message\":\"Bad credentials\"}"));
            Assert.That(dead.Attempts().Single().GetProperty("result").GetString(), Is.EqualTo("rejected"));
        });

        receiver.Responder = _ => FakeAnswer.Ok;
        using (var redeliver = await Client.PostAsync($"/api/v1/deliveries/{id}/redeliver", null))
        {
            Assert.That(redeliver.StatusCode, Is.EqualTo(HttpStatusCode.OK), await redeliver.Content.ReadAsStringAsync());
            Assert.That((await redeliver.ReadJsonAsync()).GetProperty("state").GetString(), Is.EqualTo("pending"));
        }
        var delivered = await Client.WaitForDeliveryAsync(id, "delivered");
        Assert.That(delivered.GetProperty("attempts").GetInt32(), Is.EqualTo(1));
        Assert.That(receiver.Answered.Select(r => r.DeliveryId), Is.EqualTo(new[] { id.ToString() }));

        using var again = await Client.PostAsync($"/api/v1/deliveries/{id}/redeliver", null);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a delivered message may be sent again too");
    }

    [Test]
    public async Task A_redirect_is_rejected_naming_where_it_pointed_and_not_followed()
    {
        await using var receiver = await FakeReceiver.StartAsync();
        receiver.Responder = r => r.Path == "/moved" ? new FakeAnswer(302, "", new Dictionary<string, string> { ["Location"] = "/elsewhere" }) : FakeAnswer.Ok;
        var slug = await ProjectAsync();

        var id = await Factory.EnqueueHttpAsync(slug, receiver.Url + "/moved");

        var dead = await Client.WaitForDeliveryAsync(id, "dead");
        Assert.That(dead.GetProperty("deadReason").GetString(), Is.EqualTo("rejected: 302: redirected to /elsewhere (redirects are not followed)"));
        Assert.That(receiver.Received.Select(r => r.Path), Is.EqualTo(new[] { "/moved" }));
    }

    [Test]
    public async Task A_missing_secret_makes_the_message_dead_saying_which()
    {
        await using var receiver = await FakeReceiver.StartAsync();
        var slug = await ProjectAsync();

        var id = await Factory.EnqueueHttpAsync(slug, receiver.Url + "/hook", tokenSecret: "NO_SUCH_TOKEN");

        var dead = await Client.WaitForDeliveryAsync(id, "dead");
        Assert.That(dead.GetProperty("deadReason").GetString(), Is.EqualTo("secret 'NO_SUCH_TOKEN' is missing"));
        Assert.That(receiver.Received, Is.Empty, "nothing is sent without its credential");
    }

    [Test]
    public async Task A_destination_that_keeps_failing_opens_its_breaker_and_its_messages_wait_without_using_attempts()
    {
        await using var receiver = await FakeReceiver.StartAsync();
        receiver.Responder = _ => new FakeAnswer(503, "down");
        var slug = await ProjectAsync();

        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++) ids.Add(await Factory.EnqueueHttpAsync(slug, receiver.Url + "/broken/" + i));

        // Three messages may make nine attempts; the breaker opens at the fifth failure and stops the rest.
        var waiting = await WaitForBreakerNoteAsync(ids);
        var received = receiver.Received.Count;
        await Task.Delay(1000);
        Assert.Multiple(() =>
        {
            Assert.That(received, Is.InRange(5, 8), "attempts stop once the breaker is open");
            Assert.That(receiver.Received, Has.Count.EqualTo(received), "nothing reaches the destination while its breaker is open");
            Assert.That(waiting.GetProperty("state").GetString(), Is.EqualTo("pending"));
            Assert.That(waiting.GetProperty("attempts").GetInt32(), Is.LessThan(3));
            Assert.That(waiting.GetProperty("lastError").GetString(), Does.StartWith($"not attempted: the circuit breaker for {receiver.Url} is open until "));
        });

        // Another destination is not affected.
        await using var healthy = await FakeReceiver.StartAsync();
        var other = await Factory.EnqueueHttpAsync(slug, healthy.Url + "/fine");
        await Client.WaitForDeliveryAsync(other, "delivered");
    }

    private async Task<System.Text.Json.JsonElement> WaitForBreakerNoteAsync(IEnumerable<Guid> ids)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var id in ids)
            {
                var delivery = await Client.GetDeliveryAsync(id);
                if (delivery.GetProperty("lastError").ValueKind == System.Text.Json.JsonValueKind.String
                    && delivery.GetProperty("lastError").GetString()!.Contains("circuit breaker", StringComparison.Ordinal))
                    return delivery;
            }
            await Task.Delay(100);
        }
        Assert.Fail("no delivery ever said its breaker was open");
        return default;
    }

    [Test]
    public async Task The_delivery_log_refuses_an_unknown_state_and_viewers_may_read_but_not_redeliver()
    {
        var slug = await ProjectAsync();
        using (var bad = await Client.GetAsync($"/api/v1/projects/{slug}/deliveries?state=lost"))
        {
            var problem = await bad.ReadProblemAsync(HttpStatusCode.BadRequest);
            Assert.That(problem.StringOrNull("detail"), Does.Contain("state 'lost' is not one of pending, delivered, dead."));
        }

        await using var receiver = await FakeReceiver.StartAsync();
        var id = await Factory.EnqueueHttpAsync(slug, receiver.Url + "/x");
        await Client.WaitForDeliveryAsync(id, "delivered");
        var (viewerName, viewer) = await Factory.NewUserAsync(Client);
        using (viewer)
        {
            await Client.AddMemberAsync(slug, viewerName, "viewer");
            Assert.That((await viewer.ListOutboundAsync(slug)).Select(d => d.GetProperty("id").GetGuid()), Is.EqualTo(new[] { id }));
            using var refused = await viewer.PostAsync($"/api/v1/deliveries/{id}/redeliver", null);
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }
        var (strangerName, stranger) = await Factory.NewUserAsync(Client);
        using (stranger)
        {
            using var hidden = await stranger.GetAsync($"/api/v1/deliveries/{id}");
            Assert.That(hidden.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "to a non-member the delivery is not there");
        }
    }

    [Test]
    public async Task A_dead_message_makes_readiness_degraded_naming_the_count_and_is_counted_in_the_metrics()
    {
        var measurements = new System.Collections.Concurrent.ConcurrentBag<(string Instrument, double Value, string Tags)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Comet.Application.Outbound.OutboxMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        void Record(System.Diagnostics.Metrics.Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            measurements.Add((instrument.Name, value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"))));
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        await using var receiver = await FakeReceiver.StartAsync();
        receiver.Responder = _ => new FakeAnswer(403, "forbidden");
        var slug = await ProjectAsync();
        var id = await Factory.EnqueueHttpAsync(slug, receiver.Url + "/no");
        await Client.WaitForDeliveryAsync(id, "dead");

        using var response = await Client.GetAsync("/health/ready");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "degraded is still ready");
        var report = await response.ReadJsonAsync();
        var outbox = report.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "outbox");
        Assert.Multiple(() =>
        {
            Assert.That(report.GetProperty("status").GetString(), Is.EqualTo("degraded"));
            Assert.That(outbox.GetProperty("status").GetString(), Is.EqualTo("degraded"));
            Assert.That(outbox.GetProperty("description").GetString(), Does.Match(@"^\d+ outbox message\(s\) dead-lettered in the last hour \(\d+ dead in all\)"));
        });

        await Task.Delay(300); // the worker's next pass counts the dead
        listener.RecordObservableInstruments();
        Assert.Multiple(() =>
        {
            Assert.That(measurements.Where(m => m.Instrument == "comet.outbox.deliveries").Select(m => m.Tags), Does.Contain("kind=notification,result=rejected"));
            Assert.That(measurements.Where(m => m.Instrument == "comet.outbox.dead_lettered").Select(m => m.Tags), Does.Contain("kind=notification"));
            Assert.That(measurements.Any(m => m.Instrument == "comet.outbox.attempt.duration"), Is.True);
            // Every orchestrator in this test process has the meter; this one's gauge counts its dead.
            Assert.That(measurements.Where(m => m.Instrument == "comet.outbox.dead").Select(m => m.Value).DefaultIfEmpty().Max(), Is.GreaterThanOrEqualTo(1));
        });
    }

    [Test]
    public async Task Deliveries_run_concurrently_not_one_after_another()
    {
        await using var receiver = await FakeReceiver.StartAsync();
        receiver.Responder = _ => FakeAnswer.Ok with { Delay = TimeSpan.FromMilliseconds(700) };
        var slug = await ProjectAsync();

        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++) ids.Add(await Factory.EnqueueHttpAsync(slug, receiver.Url + "/slow/" + i));
        foreach (var id in ids) await Client.WaitForDeliveryAsync(id, "delivered");

        Assert.That(receiver.MaxInFlight, Is.GreaterThanOrEqualTo(3), "several deliveries are in flight at once (Outbox:Concurrency is 8)");
    }

    [Test]
    public async Task A_429_with_Retry_After_waits_at_least_that_long()
    {
        await using var receiver = await FakeReceiver.StartAsync();
        var calls = 0;
        receiver.Responder = _ => Interlocked.Increment(ref calls) == 1
            ? new FakeAnswer(429, "slow down", new Dictionary<string, string> { ["Retry-After"] = "2" })
            : FakeAnswer.Ok;
        var slug = await ProjectAsync();

        var id = await Factory.EnqueueHttpAsync(slug, receiver.Url + "/limited");

        await Client.WaitForDeliveryAsync(id, "delivered");
        var received = receiver.Received;
        Assert.That(received, Has.Count.EqualTo(2));
        Assert.That(received[1].At - received[0].At, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.9)),
            "the backoff here is at most 0.2 s; the destination asked for 2 s");
    }
}
