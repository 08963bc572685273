using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Comet.TestSupport;
using static Comet.Gateway.Tests.Acceptance.Answers;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>Rate limits of one gateway (counters in its memory).</summary>
public sealed partial class RateLimitTests : AcceptanceTest
{
    private static readonly string[] RateLimitHeaders = ["X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset", "RateLimit-Policy", "RateLimit"];

    private AcceptanceDownstream _downstream = null!;

    [SetUp]
    public async Task StartDownstream() => _downstream = await StartDownstreamAsync();

    private TestGateway GatewayWithLimit(int limit, string period, double? periodTimespan = null, GlobalRateLimitOptions? global = null,
        string[]? whitelist = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var route = Route.To("/api/{everything}", "/{everything}", _downstream).Limited(limit, period, periodTimespan, whitelist ?? []);
        var warmUp = Route.To("/warm-up", "/warm-up", _downstream);
        var gateway = InMemoryGateway(new GatewayConfig([route, warmUp], global is null ? null : new GlobalConfiguration(RateLimitOptions: global)), settings);
        return gateway;
    }

    private static async Task<HttpResponseMessage> Send(TestGateway gateway, string? clientId, string path = "/api/cards", string header = "ClientId")
    {
        using var request = clientId is null ? Get(path) : Get(path, (header, clientId));
        return await gateway.Client.SendAsync(request);
    }

    /// <summary>One request on an unlimited route first, so the timed requests do not pay for the gateway's warm-up
    /// (every in-memory request comes from one address, which a limited route would count).</summary>
    private static async Task WarmUp(TestGateway gateway)
    {
        using var response = await Send(gateway, clientId: null, "/warm-up");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Fourth_request_in_the_period_is_refused_with_retry_after_and_the_quota_message()
    {
        var gateway = GatewayWithLimit(3, "1m");
        var client = NewClientId();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? fourth = null;
        for (var i = 0; i < 4; i++)
        {
            var response = await Send(gateway, client);
            statuses.Add(response.StatusCode);
            if (i < 3) response.Dispose();
            else fourth = response;
        }
        using var refused = fourth!;

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        var problem = await ProblemOf(refused, 429);
        Assert.That(problem.Detail(), Is.EqualTo("API calls quota exceeded! maximum admitted 3 per 1m."));
        var retryAfter = RetryAfterSeconds(refused);
        Assert.That(retryAfter, Is.InRange(1, 60), "the rest of the one-minute window");
        Assert.That(_downstream.Count, Is.EqualTo(3), "the refused request never reached the downstream");
    }

    [Test]
    public async Task A_client_over_a_one_second_limit_is_served_again_after_the_period()
    {
        var gateway = GatewayWithLimit(3, "1s");
        await WarmUp(gateway);
        var client = NewClientId();

        var sent = 0;
        HttpResponseMessage? refused = null;
        while (refused is null && sent < 4)
        {
            var response = await Send(gateway, client);
            sent++;
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused = response;
            else
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                response.Dispose();
            }
        }
        Assert.That(refused, Is.Not.Null, "the 4th quick request is over the limit of 3 per second");
        Assert.That(sent, Is.EqualTo(4));
        using (refused)
        {
            await ProblemOf(refused!, 429);
            Assert.That(RetryAfterSeconds(refused!), Is.EqualTo(1), "rounded up, at least 1");
        }
        var served = _downstream.Count;
        var clock = Stopwatch.StartNew();

        await Eventually.Until(async () =>
        {
            using var again = await Send(gateway, client);
            return again.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(5), "serving the client again after its 1 s window");

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)), "the client is refused for the window, not longer");
        Assert.That(_downstream.Count, Is.EqualTo(served + 1), "only the request that was allowed again reached the downstream");
    }

    [Test]
    public async Task PeriodTimespan_keeps_a_client_refused_for_that_long_after_the_window()
    {
        var gateway = GatewayWithLimit(1, "1s", periodTimespan: 3);
        await WarmUp(gateway);
        var client = NewClientId();

        using (var first = await Send(gateway, client))
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using (var second = await Send(gateway, client))
        {
            await ProblemOf(second, 429);
            Assert.That(RetryAfterSeconds(second), Is.EqualTo(3), "Retry-After = PeriodTimespan");
        }
        var refusedAt = Stopwatch.StartNew();

        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the 1 s window is over; the 3 s ban is not
        using (var duringBan = await Send(gateway, client))
            Assert.That(duringBan.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), $"still banned {refusedAt.Elapsed.TotalSeconds:0.0} s after the refusal");

        await Eventually.Until(async () =>
        {
            using var again = await Send(gateway, client);
            return again.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(8), "serving the client again after the ban");
        Assert.That(refusedAt.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(2.5)));
    }

    [Test]
    public async Task Allowed_answers_tell_the_limit_what_is_left_and_when_the_window_ends()
    {
        var gateway = GatewayWithLimit(3, "1m");
        var client = NewClientId();
        var before = DateTimeOffset.UtcNow;

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++) answers.Add(await Send(gateway, client));
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var response = answers[i];
                var remaining = 2 - i;
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.Multiple(() =>
                {
                    Assert.That(response.Header("X-Rate-Limit-Limit"), Is.EqualTo("3"));
                    Assert.That(response.Header("X-Rate-Limit-Remaining"), Is.EqualTo(remaining.ToString(CultureInfo.InvariantCulture)));
                    Assert.That(response.Header("RateLimit-Policy"), Is.EqualTo("3;w=60"));
                });

                var reset = DateTimeOffset.Parse(response.Header("X-Rate-Limit-Reset")!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
                Assert.That(reset, Is.InRange(before.AddSeconds(55), DateTimeOffset.UtcNow.AddSeconds(61)), "the window ends a minute after the first request");
                Assert.That(response.Header("X-Rate-Limit-Reset"), Does.Match(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}(Z|\+00:00)$"), "ISO 8601 round-trip format, UTC");

                var combined = RateLimitField().Match(response.Header("RateLimit") ?? "");
                Assert.That(combined.Success, Is.True, $"RateLimit: {response.Header("RateLimit")}");
                Assert.That(int.Parse(combined.Groups["limit"].Value, CultureInfo.InvariantCulture), Is.EqualTo(3));
                Assert.That(int.Parse(combined.Groups["remaining"].Value, CultureInfo.InvariantCulture), Is.EqualTo(remaining));
                Assert.That(int.Parse(combined.Groups["reset"].Value, CultureInfo.InvariantCulture), Is.InRange(50, 60));
            }
        }
        finally
        {
            foreach (var answer in answers) answer.Dispose();
        }
    }

    [Test]
    public async Task Disabled_rate_limit_headers_are_not_sent_but_a_refusal_still_says_when_to_retry()
    {
        var gateway = GatewayWithLimit(1, "1m", global: new GlobalRateLimitOptions(DisableRateLimitHeaders: true));
        var client = NewClientId();

        using var allowed = await Send(gateway, client);
        using var refused = await Send(gateway, client);

        Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        foreach (var name in RateLimitHeaders)
        {
            Assert.That(allowed.Header(name), Is.Null, name + " on the allowed answer");
            Assert.That(refused.Header(name), Is.Null, name + " on the refusal");
        }
        await ProblemOf(refused, 429);
        Assert.That(RetryAfterSeconds(refused), Is.InRange(1, 60));
    }

    [Test]
    public async Task A_custom_status_code_and_quota_message_are_used_for_refusals()
    {
        var gateway = GatewayWithLimit(1, "1m", global: new GlobalRateLimitOptions(QuotaExceededMessage: "Slow down, the teapot is busy.", HttpStatusCode: 418));
        var client = NewClientId();

        using var allowed = await Send(gateway, client);
        using var refused = await Send(gateway, client);

        Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var problem = await ProblemOf(refused, 418);
        Assert.That(problem.Detail(), Is.EqualTo("Slow down, the teapot is busy."));
        Assert.That(RetryAfterSeconds(refused), Is.InRange(1, 60));
        Assert.That(_downstream.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task A_whitelisted_client_id_in_the_header_does_not_lift_the_limit_of_its_address()
    {
        var gateway = GatewayWithLimit(2, "1m", global: new GlobalRateLimitOptions(ClientIdHeader: "X-Api-Client"), whitelist: ["trusted-ci"]);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await Send(gateway, "trusted-ci", header: "X-Api-Client");
            statuses.Add(response.StatusCode);
        }

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }),
            "anyone can send a whitelisted client id; the address it comes from is still counted");
        Assert.That(_downstream.Count, Is.EqualTo(2));
    }

    [Test]
    public async Task A_whitelisted_address_is_not_limited_and_gets_no_headers()
    {
        var gateway = GatewayWithLimit(2, "1m", whitelist: [GatewayFactory.RemoteAddress.ToString()]);

        for (var i = 0; i < 5; i++)
        {
            using var response = await Send(gateway, clientId: null);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"request {i + 1} of the whitelisted address");
            foreach (var name in RateLimitHeaders)
                Assert.That(response.Header(name), Is.Null, name);
        }
        Assert.That(_downstream.Count, Is.EqualTo(5));
    }

    [Test]
    public async Task Only_the_configured_client_id_header_names_the_client()
    {
        var gateway = GatewayWithLimit(2, "1m", global: new GlobalRateLimitOptions(ClientIdHeader: "X-Api-Client"), whitelist: ["trusted-ci"]);

        // The default header name means nothing here: these three come from one address and count as one client.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await Send(gateway, "trusted-ci", header: "ClientId");
            statuses.Add(response.StatusCode);
        }

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
    }

    [Test]
    public async Task A_client_id_is_counted_across_addresses_in_addition_to_each_address()
    {
        // Behind a trusted proxy, so that one test can send from several client addresses.
        var gateway = GatewayWithLimit(2, "1m", settings: TrustingTheTestPeer);
        var app = NewClientId("app");

        var withId = new List<HttpStatusCode>();
        foreach (var address in new[] { "203.0.113.1", "203.0.113.2", "203.0.113.3" })
        {
            using var response = await gateway.Client.SendAsync(Get("/api/cards", ("ClientId", app), ("X-Forwarded-For", address)));
            withId.Add(response.StatusCode);
        }
        using var thirdAddressWithoutId = await gateway.Client.SendAsync(Get("/api/cards", ("X-Forwarded-For", "203.0.113.3")));

        Assert.That(withId, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }),
            "the client id's own counter (2 a minute) narrows what each address may do");
        Assert.That(thirdAddressWithoutId.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the third address has used 1 of its 2");
    }

    [Test]
    public async Task A_new_client_id_with_every_request_does_not_get_past_the_limit_of_the_address()
    {
        var gateway = GatewayWithLimit(3, "1m", periodTimespan: 60);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await Send(gateway, NewClientId("rotating"));
            statuses.Add(response.StatusCode);
        }

        Assert.That(statuses.Take(3), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(statuses.Skip(3), Is.All.EqualTo(HttpStatusCode.TooManyRequests), "17 requests with fresh client ids while banned");
        Assert.That(_downstream.Count, Is.EqualTo(3));
    }

    [Test]
    public async Task A_made_up_X_Forwarded_For_from_a_peer_that_is_no_trusted_proxy_does_not_get_past_the_limit()
    {
        var gateway = GatewayWithLimit(3, "1m");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await gateway.Client.SendAsync(Get("/api/cards", ("X-Forwarded-For", $"198.51.100.{i + 1}"), ("ClientId", NewClientId())));
            statuses.Add(response.StatusCode);
        }

        Assert.That(statuses, Is.EqualTo(Enumerable.Repeat(HttpStatusCode.OK, 3).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 7))));
        var seen = _downstream.Requests.Select(r => r.Header("X-Forwarded-For")).Distinct().ToList();
        Assert.That(seen, Is.EqualTo(new[] { GatewayFactory.RemoteAddress.ToString() }), "the made-up addresses are not passed on either");
    }

    [Test]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_address_has_its_own_quota()
    {
        var gateway = GatewayWithLimit(2, "1m", settings: TrustingTheTestPeer);

        async Task<HttpStatusCode> From(string forwardedFor)
        {
            using var response = await gateway.Client.SendAsync(Get("/api/cards", ("X-Forwarded-For", forwardedFor)));
            return response.StatusCode;
        }

        var first = new[] { await From("203.0.113.10"), await From("203.0.113.10"), await From("203.0.113.10") };
        // A claim left of what the proxy appended changes nothing: the proxy's entry is the client it saw.
        var spoofedThroughProxy = await From("10.9.9.9, 203.0.113.10");
        var second = new[] { await From("203.0.113.20"), await From("203.0.113.20") };

        Assert.That(first, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.That(spoofedThroughProxy, Is.EqualTo(HttpStatusCode.TooManyRequests), "the right-most untrusted hop is the client");
        Assert.That(second, Is.All.EqualTo(HttpStatusCode.OK), "another client behind the proxy has its own counter");
    }

    [Test]
    public async Task A_new_client_id_with_every_sign_in_attempt_does_not_get_past_the_shipped_auth_limit()
    {
        var shipped = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "gateway.json"));
        var gateway = InMemoryGateway(shipped, orchestrator: new Uri($"http://127.0.0.1:{_downstream.Port}/"));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/login") { Content = new StringContent("""{"username":"admin","password":"guess"}""") };
            request.Headers.Add("ClientId", NewClientId("guesser"));
            using var response = await gateway.Client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.That(statuses.Take(30), Is.All.EqualTo(HttpStatusCode.OK), "the shipped /auth limit is 30 a minute per address");
        Assert.That(statuses.Skip(30), Is.All.EqualTo(HttpStatusCode.TooManyRequests), "a fresh ClientId on each attempt gains nothing");
        Assert.That(_downstream.Count, Is.EqualTo(30));
    }

    /// <summary>The in-memory gateway's peer (every request comes from it) as a trusted proxy.</summary>
    private static Dictionary<string, string?> TrustingTheTestPeer => new() { ["Gateway:TrustedProxies:0"] = GatewayFactory.RemoteAddress.ToString() };

    [Test]
    public async Task Without_a_client_id_the_remote_address_is_the_client()
    {
        var gateway = GatewayWithLimit(2, "1m");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await Send(gateway, clientId: null);
            statuses.Add(response.StatusCode);
        }
        using var withId = await Send(gateway, NewClientId());

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.That(withId.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "naming itself does not give the address a new quota");
    }

    [Test]
    public async Task Counters_are_kept_per_route()
    {
        var gateway = InMemoryGateway(GatewayConfig.With(
            Route.To("/cards/{id}", "/cards/{id}", _downstream).Limited(1, "1m"),
            Route.To("/boards/{id}", "/boards/{id}", _downstream).Limited(1, "1m")));
        var client = NewClientId();

        using var cards = await Send(gateway, client, "/cards/1");
        using var boards = await Send(gateway, client, "/boards/1");
        using var cardsAgain = await Send(gateway, client, "/cards/2");

        Assert.That(cards.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(boards.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the boards route has its own counter");
        Assert.That(cardsAgain.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
    }

    [Test]
    public async Task A_route_with_rate_limiting_disabled_is_not_limited()
    {
        var route = Route.To("/api/{everything}", "/{everything}", _downstream) with
        {
            RateLimitOptions = new RateLimitOptions(1, "1m", EnableRateLimiting: false),
        };
        var gateway = InMemoryGateway(GatewayConfig.With(route));
        var client = NewClientId();

        for (var i = 0; i < 3; i++)
        {
            using var response = await Send(gateway, client);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Header("X-Rate-Limit-Limit"), Is.Null);
        }
    }

    [Test]
    public async Task The_subject_of_a_valid_bearer_token_is_the_client_whatever_client_id_it_sends()
    {
        using var folder = new TempDirectory("comet-gateway-jwks");
        using var issuer = new TokenIssuer(Path.Combine(folder.Path, "jwks.json"));
        var gateway = GatewayWithLimit(2, "1m", settings: issuer.GatewaySettings());
        var alice = issuer.Token(subject: "alice-" + Guid.NewGuid().ToString("N"));
        var bob = issuer.Token(subject: "bob-" + Guid.NewGuid().ToString("N"));

        var aliceStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var request = Get("/api/cards", ("ClientId", NewClientId()));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", alice);
            using var response = await gateway.Client.SendAsync(request);
            aliceStatuses.Add(response.StatusCode);
        }
        using var bobRequest = Get("/api/cards", ("ClientId", NewClientId()));
        bobRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bob);
        using var bobResponse = await gateway.Client.SendAsync(bobRequest);

        Assert.That(aliceStatuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }),
            "alice's three requests count against her subject though each names another client id");
        Assert.That(bobResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK), "bob has his own counter");
    }

    private static int RetryAfterSeconds(HttpResponseMessage response)
    {
        var header = response.Header("Retry-After");
        Assert.That(header, Does.Match(@"^\d+$"), "Retry-After in whole seconds");
        return int.Parse(header!, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^limit=(?<limit>\d+), remaining=(?<remaining>\d+), reset=(?<reset>\d+)$")]
    private static partial Regex RateLimitField();
}
