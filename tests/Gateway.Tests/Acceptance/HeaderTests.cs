using System.Net;
using Comet.TestSupport;
using static Comet.Gateway.Tests.Acceptance.Answers;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>The headers the gateway removes, adds and echoes.</summary>
public sealed class HeaderTests : AcceptanceTest
{
    [Test]
    public async Task Hop_by_hop_headers_are_dropped_in_both_directions()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream)));
        using var request = Get("/api/hop-by-hop",
            ("Keep-Alive", "timeout=5, max=100"),
            ("Proxy-Connection", "keep-alive"),
            ("Proxy-Authorization", "Basic c2VjcmV0OnNlY3JldA=="),
            ("X-Hop-Secret", "for the next hop only"),
            ("X-End-To-End", "kept"));
        request.Headers.Connection.Add("X-Hop-Secret");
        request.Headers.TE.ParseAdd("trailers");

        using var response = await gateway.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var seen = downstream.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(seen.Header("Keep-Alive"), Is.Null);
            Assert.That(seen.Header("Proxy-Connection"), Is.Null);
            Assert.That(seen.Header("Proxy-Authorization"), Is.Null);
            Assert.That(seen.Header("TE"), Is.Null);
            Assert.That(seen.Header("X-Hop-Secret"), Is.Null, "a header named in Connection is hop-by-hop");
            Assert.That(seen.Header("X-End-To-End"), Is.EqualTo("kept"));

            Assert.That(response.Header("Keep-Alive") ?? "", Does.Not.Contain("timeout=99"));
            Assert.That(response.Header("Proxy-Connection"), Is.Null);
            Assert.That(response.Header("Proxy-Authenticate"), Is.Null);
            Assert.That(response.Header("X-End-To-End-Answer"), Is.EqualTo("kept"));
        });
    }

    [Test]
    public async Task A_header_the_downstream_sets_replaces_the_gateways_own_instead_of_being_added_to_it()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream)));

        using var response = await gateway.Client.SendAsync(Get("/api/own-headers", ("X-Request-Id", "req-once")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.GetValues("X-Frame-Options"), Is.EqualTo(new[] { "SAMEORIGIN" }), "the downstream's own, once");
            Assert.That(response.Headers.GetValues("X-Request-Id"), Is.EqualTo(new[] { "req-once" }), "the id once, not the gateway's and the echo");
            Assert.That(response.Header("X-Content-Type-Options"), Is.EqualTo("nosniff"), "the gateway's where the downstream sets none");
        });
    }

    [Test]
    public async Task The_trace_context_reaches_the_downstream_as_a_child_of_the_gateways_request()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = await StartGatewayProcessAsync(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream)));
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string clientSpan = "00f067aa0ba902b7";

        using var traced = await gateway.Client.SendAsync(Get("/api/traced", ("traceparent", $"00-{traceId}-{clientSpan}-01")));
        using var untraced = await gateway.Client.GetAsync("/api/untraced");

        var seenTraced = (await EchoOf(traced)).Header("traceparent");
        var seenUntraced = (await EchoOf(untraced)).Header("traceparent");
        Assert.Multiple(() =>
        {
            // Trace flags are two hex digits: 01 sampled, and W3C Trace Context level 2 adds 02 (a random trace id), which
            // the gateway sets on traces it starts since OpenTelemetry is in the process.
            Assert.That(seenTraced, Does.Match($"^00-{traceId}-[0-9a-f]{{16}}-[0-9a-f]{{2}}$"), "the client's trace goes on");
            Assert.That(seenTraced, Does.Not.Contain(clientSpan), "its parent is the gateway's span, not the client's");
            Assert.That(seenUntraced, Does.Match("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"), "a trace starts at the gateway");
        });
    }

    [Test]
    public async Task Forwarded_headers_name_the_client_the_original_scheme_and_host()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = await StartGatewayProcessAsync(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream)));
        using var request = Get("/api/forwarded",
            ("X-Forwarded-For", "203.0.113.7"),
            ("X-Forwarded-Proto", "gopher"),
            ("X-Forwarded-Host", "evil.example"));

        using var response = await gateway.Client.SendAsync(request);

        var seen = await EchoOf(response);
        Assert.Multiple(() =>
        {
            Assert.That(seen.Header("X-Forwarded-For"), Is.EqualTo("127.0.0.1"), "the peer is no trusted proxy: its X-Forwarded-For is dropped");
            Assert.That(seen.Header("X-Forwarded-Proto"), Is.EqualTo("http"));
            Assert.That(seen.Header("X-Forwarded-Host"), Is.EqualTo($"127.0.0.1:{gateway.Process.Port}"));
            Assert.That(seen.Header("Host"), Is.EqualTo($"127.0.0.1:{downstream.Port}"), "Host names the downstream");
        });
    }

    [Test]
    public async Task Behind_a_trusted_proxy_the_forwarded_chain_is_extended_with_the_proxys_address()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = await StartGatewayProcessAsync(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream)),
            new Dictionary<string, string?> { ["Gateway:TrustedProxies:0"] = "127.0.0.0/8" });

        using var response = await gateway.Client.SendAsync(Get("/api/forwarded", ("X-Forwarded-For", "203.0.113.7")));

        var seen = await EchoOf(response);
        Assert.That(seen.Header("X-Forwarded-For"), Is.EqualTo("203.0.113.7, 127.0.0.1"));
    }

    public enum AnswerKind
    {
        Forwarded200,
        NoRoute404,
        RateLimited429,
        DownstreamDown502,
    }

    [TestCase(AnswerKind.Forwarded200)]
    [TestCase(AnswerKind.NoRoute404)]
    [TestCase(AnswerKind.RateLimited429)]
    [TestCase(AnswerKind.DownstreamDown502)]
    public async Task Security_headers_are_on_every_answer(AnswerKind kind)
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(
            Route.To("/ok/{everything}", "/{everything}", downstream),
            Route.To("/limited", "/limited", downstream).Limited(1, "1m"),
            Route.ToClosedPort("/down", "/down", FreePort.Next())));

        var (path, status) = kind switch
        {
            AnswerKind.Forwarded200 => ("/ok/thing", 200),
            AnswerKind.NoRoute404 => ("/nowhere", 404),
            AnswerKind.RateLimited429 => ("/limited", 429),
            _ => ("/down", 502),
        };
        if (kind == AnswerKind.RateLimited429)
        {
            using var first = await gateway.Client.GetAsync(path);
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var response = await gateway.Client.GetAsync(path);

        Assert.That((int)response.StatusCode, Is.EqualTo(status));
        AssertSecurityHeaders(response, kind.ToString());
    }

    [Test]
    public async Task Strict_transport_security_is_sent_on_https_requests_only()
    {
        var downstream = await StartDownstreamAsync();
        var config = GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream));
        var overHttps = InMemoryGateway(config); // its client talks https://gateway.test
        var overHttp = await StartGatewayProcessAsync(config);

        using var https = await overHttps.Client.GetAsync("/api/x");
        using var http = await overHttp.Client.GetAsync("/api/x");

        Assert.That(overHttps.Client.BaseAddress!.Scheme, Is.EqualTo("https"));
        Assert.That(https.Header("Strict-Transport-Security"), Is.Not.Null.And.Not.Empty);
        Assert.That(http.Header("Strict-Transport-Security"), Is.Null);
        AssertSecurityHeaders(http, "plain http");
    }

    [Test]
    public async Task An_incoming_request_id_is_reused_forwarded_and_echoed()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream)));

        using var response = await gateway.Client.SendAsync(Get("/api/x", ("X-Request-Id", "req-42-from-client")));

        var seen = await EchoOf(response);
        Assert.That(seen.Header("X-Request-Id"), Is.EqualTo("req-42-from-client"));
        Assert.That(response.Header("X-Request-Id"), Is.EqualTo("req-42-from-client"));
    }

    [Test]
    public async Task A_missing_request_id_is_generated_forwarded_and_echoed()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream)));

        using var first = await gateway.Client.GetAsync("/api/x");
        using var second = await gateway.Client.GetAsync("/api/x");

        var seen = await EchoOf(first);
        var generated = first.Header("X-Request-Id");
        Assert.That(generated, Does.Match("^[0-9a-fA-F]{32}$"));
        Assert.That(seen.Header("X-Request-Id"), Is.EqualTo(generated));
        Assert.That(second.Header("X-Request-Id"), Does.Match("^[0-9a-fA-F]{32}$").And.Not.EqualTo(generated), "each request gets its own id");
    }

    [Test]
    public async Task The_global_request_id_key_names_the_header()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(new GatewayConfig(
            [Route.To("/api/{everything}", "/{everything}", downstream)],
            new GlobalConfiguration(RequestIdKey: "X-Correlation-Id")));

        using var given = await gateway.Client.SendAsync(Get("/api/x", ("X-Correlation-Id", "corr-7")));
        using var generated = await gateway.Client.GetAsync("/api/y");

        var seenGiven = await EchoOf(given);
        var seenGenerated = await EchoOf(generated);
        Assert.Multiple(() =>
        {
            Assert.That(seenGiven.Header("X-Correlation-Id"), Is.EqualTo("corr-7"));
            Assert.That(given.Header("X-Correlation-Id"), Is.EqualTo("corr-7"));
            Assert.That(generated.Header("X-Correlation-Id"), Does.Match("^[0-9a-fA-F]{32}$"));
            Assert.That(seenGenerated.Header("X-Correlation-Id"), Is.EqualTo(generated.Header("X-Correlation-Id")));
        });
    }

    [Test]
    public async Task A_route_request_id_key_wins_over_the_global_one()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(new GatewayConfig(
            [
                Route.To("/traced/{everything}", "/{everything}", downstream) with { RequestIdKey = "X-Trace-Id" },
                Route.To("/plain/{everything}", "/{everything}", downstream),
            ],
            new GlobalConfiguration(RequestIdKey: "X-Correlation-Id")));

        using var traced = await gateway.Client.SendAsync(Get("/traced/x", ("X-Trace-Id", "trace-1")));
        using var plain = await gateway.Client.SendAsync(Get("/plain/x", ("X-Correlation-Id", "corr-1")));

        var seenTraced = await EchoOf(traced);
        Assert.Multiple(async () =>
        {
            Assert.That(seenTraced.Header("X-Trace-Id"), Is.EqualTo("trace-1"));
            Assert.That(traced.Header("X-Trace-Id"), Is.EqualTo("trace-1"));
            Assert.That((await EchoOf(plain)).Header("X-Correlation-Id"), Is.EqualTo("corr-1"));
            Assert.That(plain.Header("X-Correlation-Id"), Is.EqualTo("corr-1"));
        });
    }

    [Test]
    public async Task Error_answers_also_carry_the_request_id()
    {
        var gateway = InMemoryGateway(GatewayConfig.With(Route.ToClosedPort("/down", "/down", FreePort.Next())));

        using var response = await gateway.Client.SendAsync(Get("/down", ("X-Request-Id", "req-of-a-failure")));

        await ProblemOf(response, 502);
        Assert.That(response.Header("X-Request-Id"), Is.EqualTo("req-of-a-failure"));
    }
}
