using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Comet.Gateway.Tests;

/// <summary>
/// What the gateway promises about forwarding, checked against a real downstream Kestrel app. Runs twice:
/// with the gateway in memory and with the built gateway as its own process.
/// </summary>
public abstract class GatewayForwardingTests
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    protected Downstream Downstream { get; private set; } = null!;

    protected IGatewayUnderTest Gateway { get; private set; } = null!;

    private HttpClient Client => Gateway.Client;

    protected abstract Task<IGatewayUnderTest> StartGatewayAsync(Uri orchestratorUrl, IReadOnlyDictionary<string, string?>? settings = null);

    [OneTimeSetUp]
    public async Task StartDownstreamAndGateway()
    {
        Downstream = await Downstream.StartAsync();
        Gateway = await StartGatewayAsync(Downstream.BaseAddress);
    }

    [OneTimeTearDown]
    public async Task StopDownstreamAndGateway()
    {
        if (Gateway is not null) await Gateway.DisposeAsync();
        if (Downstream is not null) await Downstream.DisposeAsync();
    }

    private static string Marker() => Guid.NewGuid().ToString("N")[..12];

    private async Task<SeenRequest> SeenByDownstream(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        return JsonSerializer.Deserialize<SeenRequest>(body)
            ?? throw new AssertionException("the downstream echoed nothing");
    }

    [TestCase("GET", "/api/v1/projects", "?page=2&pageSize=5")]
    [TestCase("GET", "/api/v1/runs/7/jobs/3/steps/0/log", "?offset=100&follow=true")]
    [TestCase("DELETE", "/api/v1/projects/my-app", "")]
    [TestCase("POST", "/hooks/github", "?delivery=abc")]
    [TestCase("POST", "/hooks/gitlab/my-app", "")]
    [TestCase("GET", "/health/ready", "")]
    [TestCase("GET", "/api/v1/search", "?q=a%20b%26c&tag=x%2Fy&empty=")]
    public async Task Comet_paths_of_the_shipped_route_file_are_forwarded_with_method_path_and_query_intact(string method, string path, string query)
    {
        var marker = Marker();
        var target = path + "/" + marker + query + (query.Length == 0 ? "?m=" : "&m=") + marker;
        using var request = new HttpRequestMessage(new HttpMethod(method), target);

        using var response = await Client.SendAsync(request);

        var seen = await SeenByDownstream(response);
        Assert.Multiple(() =>
        {
            Assert.That(seen.Method, Is.EqualTo(method));
            Assert.That(seen.RawTarget, Is.EqualTo(target));
            Assert.That(Downstream.SeenContaining(marker).Count(), Is.EqualTo(1), "forwarded exactly once");
        });
    }

    [TestCase("POST")]
    [TestCase("PUT")]
    [TestCase("PATCH")]
    public async Task Request_body_and_its_content_type_reach_the_downstream_unchanged(string method)
    {
        var json = "{\"name\":\"Widgets\",\"repoUrl\":\"https://example.com/w.git\",\"note\":\"ünïcødé ✓\"}";
        using var request = new HttpRequestMessage(new HttpMethod(method), "/api/v1/projects/" + Marker())
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };

        using var response = await Client.SendAsync(request);

        var seen = await SeenByDownstream(response);
        Assert.Multiple(() =>
        {
            Assert.That(seen.Method, Is.EqualTo(method));
            Assert.That(seen.Body, Is.EqualTo(json));
            Assert.That(seen.Header("Content-Type"), Is.EqualTo("application/json; charset=utf-8"));
            Assert.That(seen.Header("Content-Length"), Is.EqualTo(Encoding.UTF8.GetByteCount(json).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        });
    }

    [Test]
    public async Task End_to_end_headers_like_authorization_are_forwarded()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me?m=" + Marker());
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "token-123");
        request.Headers.Add("X-Request-Id", "req-42");
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await Client.SendAsync(request);

        var seen = await SeenByDownstream(response);
        Assert.Multiple(() =>
        {
            Assert.That(seen.Header("Authorization"), Is.EqualTo("Bearer token-123"));
            Assert.That(seen.Header("X-Request-Id"), Is.EqualTo("req-42"));
            Assert.That(seen.Header("Accept"), Is.EqualTo("application/json"));
            Assert.That(seen.Header("Host"), Is.EqualTo(Downstream.BaseAddress.Authority), "Host names the downstream; the original goes in X-Forwarded-Host");
        });
    }

    [TestCase("/other")]
    [TestCase("/apis")]
    [TestCase("/healthz")]
    [TestCase("/")]
    public async Task Paths_outside_the_routed_prefixes_are_a_404_problem_and_never_reach_the_downstream(string path)
    {
        var marker = Marker();
        var target = path.TrimEnd('/') + "/" + marker + "?m=" + marker;

        using var response = await Client.GetAsync(target);

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), body);
        Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32(), Is.EqualTo(404));
        Assert.That(Downstream.SeenContaining(marker), Is.Empty);
    }

    [Test]
    public async Task Hop_by_hop_request_headers_are_not_forwarded()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/hop?m=" + Marker());
        request.Headers.Connection.Add("x-hop");
        request.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5, max=100");
        request.Headers.TryAddWithoutValidation("Proxy-Connection", "keep-alive");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic c2VjcmV0OnNlY3JldA==");
        request.Headers.TE.ParseAdd("trailers");
        request.Headers.Add("X-End-To-End", "kept");

        using var response = await Client.SendAsync(request);

        var seen = await SeenByDownstream(response);
        Assert.Multiple(() =>
        {
            Assert.That(seen.Header("Keep-Alive"), Is.Null);
            Assert.That(seen.Header("Proxy-Connection"), Is.Null);
            Assert.That(seen.Header("Proxy-Authorization"), Is.Null);
            Assert.That(seen.Header("TE"), Is.Null);
            Assert.That(seen.Header("Connection") ?? "", Does.Not.Contain("x-hop"));
            Assert.That(seen.Header("X-End-To-End"), Is.EqualTo("kept"));
        });
    }

    [Test]
    public async Task Headers_named_in_Connection_are_not_forwarded()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/hop?m=" + Marker());
        request.Headers.Connection.Add("X-Hop-Secret");
        request.Headers.Add("X-Hop-Secret", "for the next hop only");

        using var response = await Client.SendAsync(request);

        var seen = await SeenByDownstream(response);
        Assert.That(seen.Header("X-Hop-Secret"), Is.Null);
    }

    [Test]
    public async Task Forwarded_headers_name_the_original_scheme_host_and_client()
    {
        using var response = await Client.GetAsync("/api/v1/forwarded?m=" + Marker());

        var seen = await SeenByDownstream(response);
        var original = Client.BaseAddress!;
        Assert.Multiple(() =>
        {
            Assert.That(seen.Header("X-Forwarded-Proto"), Is.EqualTo(original.Scheme));
            Assert.That(seen.Header("X-Forwarded-Host"), Is.EqualTo(original.IsDefaultPort ? original.Host : original.Authority));
            Assert.That(seen.Header("X-Forwarded-For"), Is.EqualTo(Gateway.ClientAddress));
        });
    }

    [Test]
    public async Task Forwarded_headers_from_an_untrusted_client_are_replaced_not_passed_on()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/forwarded?m=" + Marker());
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", "gopher");
        request.Headers.Add("X-Forwarded-Host", "evil.example");

        using var response = await Client.SendAsync(request);

        var seen = await SeenByDownstream(response);
        Assert.Multiple(() =>
        {
            Assert.That(seen.Header("X-Forwarded-For"), Is.EqualTo(Gateway.ClientAddress),
                "no proxy is trusted by default: the client's own X-Forwarded-For is its claim and is dropped");
            Assert.That(seen.Header("X-Forwarded-Proto"), Is.EqualTo(Client.BaseAddress!.Scheme));
            Assert.That(seen.Header("X-Forwarded-Host"), Does.Not.Contain("evil.example"));
        });
    }

    [Test]
    public async Task Status_code_headers_and_body_of_the_answer_pass_back()
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/created", new { name = "thing" });

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo("/api/v1/things/42"));
            Assert.That(response.Headers.TryGetValues("X-Custom-Answer", out var custom) ? custom : [], Is.EqualTo(new[] { "forty-two" }));
            Assert.That(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], Is.EqualTo(new[] { "a=1; Path=/", "b=2; Path=/" }));
            Assert.That(response.Headers.Contains("Proxy-Connection"), Is.False, "hop-by-hop answer headers stay behind");
            Assert.That(response.Headers.TryGetValues("Keep-Alive", out var keepAlive) ? keepAlive : [], Has.None.Contain("timeout=99"));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("{\"id\":42}"));
        });
    }

    [Test]
    public async Task Unusual_status_codes_pass_back_unchanged()
    {
        using var response = await Client.GetAsync("/api/v1/teapot");

        Assert.That((int)response.StatusCode, Is.EqualTo(418));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("short and stout"));
    }

    [Test]
    public async Task Server_sent_events_reach_the_client_as_they_are_sent()
    {
        Downstream.ResetEvents();
        try
        {
            using var response = await Client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead)
                .WaitAsync(ReadTimeout);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
            await using var stream = await response.Content.ReadAsStreamAsync();
            using var reader = new StreamReader(stream, Encoding.UTF8);

            Assert.That(await ReadLine(reader, "the first event"), Is.EqualTo("data: 1"));
            Assert.That(await ReadLine(reader, "the blank line ending the first event"), Is.Empty);
            Assert.That(Downstream.SecondEventWritten, Is.False, "the first event must arrive while the downstream still holds the second");

            Downstream.ReleaseSecondEvent();
            Assert.That(await ReadLine(reader, "the second event"), Is.EqualTo("data: 2"));
        }
        finally
        {
            Downstream.ReleaseSecondEvent();
        }
    }

    private static async Task<string?> ReadLine(StreamReader reader, string what)
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        try
        {
            return await reader.ReadLineAsync(timeout.Token).AsTask().WaitAsync(ReadTimeout);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            Assert.Fail($"{what} did not arrive within {ReadTimeout.TotalSeconds} s: the gateway holds the stream back");
            throw;
        }
    }

    [TestCase(false, TestName = "{m}(chunked)")]
    [TestCase(true, TestName = "{m}(with Content-Length)")]
    public async Task A_20_MB_answer_arrives_intact(bool withLength)
    {
        using var response = await Client.GetAsync(withLength ? "/api/big?length=1" : "/api/big", HttpCompletionOption.ResponseHeadersRead);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        if (withLength) Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(Downstream.BigBodyLength));
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            total += read;
        }
        Assert.That(total, Is.EqualTo(Downstream.BigBodyLength));
        Assert.That(Convert.ToHexString(sha.GetHashAndReset()), Is.EqualTo(Downstream.BigBodySha256));
    }

    [Test]
    public async Task Downstream_not_running_is_a_502_problem_saying_the_connection_was_refused()
    {
        var closed = new Uri($"http://127.0.0.1:{Comet.TestSupport.FreePort.Next()}");
        await using var gateway = await StartGatewayAsync(closed);

        using var response = await gateway.Client.GetAsync("/api/v1/projects");

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(502));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("refused"));
    }

    [Test]
    public async Task Downstream_slower_than_the_headers_timeout_is_a_504_problem()
    {
        await using var gateway = await StartGatewayAsync(Downstream.BaseAddress,
            new Dictionary<string, string?> { ["Gateway:ResponseHeadersTimeout"] = "00:00:01" });
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using var response = await gateway.Client.GetAsync("/api/slow");

        clock.Stop();
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.GatewayTimeout), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(504));
        Assert.That(problem.GetProperty("detail").GetString(), Is.Not.Null.And.Not.Empty);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4)), "the gateway gives up after the timeout, not when the downstream answers");
    }
}

/// <summary>The gateway in memory through WebApplicationFactory.</summary>
public sealed class InMemoryGatewayForwardingTests : GatewayForwardingTests
{
    protected override Task<IGatewayUnderTest> StartGatewayAsync(Uri orchestratorUrl, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = new GatewayFactory(orchestratorUrl, settings);
        _ = factory.Client; // starts the host now, so a broken start fails here
        return Task.FromResult<IGatewayUnderTest>(factory);
    }
}

/// <summary>The built gateway as its own process: real sockets on both sides, as in production.</summary>
public sealed class GatewayProcessForwardingTests : GatewayForwardingTests
{
    protected override async Task<IGatewayUnderTest> StartGatewayAsync(Uri orchestratorUrl, IReadOnlyDictionary<string, string?>? settings = null) =>
        await GatewayProcess.StartAsync(orchestratorUrl, settings);
}
