using System.Net;
using System.Net.Http.Headers;
using static Comet.Gateway.Tests.Acceptance.Answers;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>
/// Real bodies of several megabytes through a gateway process with its shipped limits, to a downstream that refuses
/// large bodies the way the orchestrator does (its webhooks take 25 MiB, its Kestrel 30,000,000 bytes).
/// </summary>
public sealed class BodySizeTests : AcceptanceTest
{
    private const long Megabyte = 1_000_000;
    private const long WebhookLimit = 25L * 1024 * 1024;

    private AcceptanceDownstream _downstream = null!;
    private TestGateway _gateway = null!;

    [OneTimeSetUp]
    public async Task StartDownstreamAndGateway()
    {
        _downstream = TrackForFixture(await AcceptanceDownstream.StartAsync());
        _gateway = TrackForFixture(await TestGateway.StartProcessAsync(GatewayConfig.With(
            // As the shipped /hooks route: the gateway knows the orchestrator's limit and refuses first.
            Route.To("/hooks/{everything}", $"/sink/{WebhookLimit}", _downstream) with { MaxRequestBodyBytes = WebhookLimit },
            // A route that does not know its downstream's limit: the downstream's own 413 must come back.
            Route.To("/unknown-limit/{everything}", $"/sink/{WebhookLimit}", _downstream))));
    }

    /// <summary>A body of <paramref name="length"/> bytes made on the fly, declared (Content-Length) or chunked.</summary>
    private sealed class GeneratedContent(long length, bool chunked) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var block = new byte[64 * 1024];
            Array.Fill(block, (byte)'x');
            for (long sent = 0; sent < length;)
            {
                var size = (int)Math.Min(block.Length, length - sent);
                await stream.WriteAsync(block.AsMemory(0, size));
                sent += size;
            }
        }

        protected override bool TryComputeLength(out long computed)
        {
            computed = length;
            return !chunked;
        }
    }

    private async Task<HttpResponseMessage> Post(string path, long length, bool chunked)
    {
        var content = new GeneratedContent(length, chunked);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            return await _gateway.Client.PostAsync(path, content);
        }
        catch (HttpRequestException ex)
        {
            Assert.Fail($"no answer to a {length} byte body (chunked: {chunked}): {ex.Message}");
            throw;
        }
    }

    [TestCase(2, false), TestCase(5, false), TestCase(20, false)]
    [TestCase(2, true), TestCase(5, true), TestCase(20, true)]
    public async Task A_body_within_the_routes_limit_is_forwarded_whole(int megabytes, bool chunked)
    {
        var marker = Guid.NewGuid().ToString("N");

        using var response = await Post("/hooks/github-" + marker, megabytes * Megabyte, chunked);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo((megabytes * Megabyte).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [TestCase(31, false), TestCase(50, false)]
    [TestCase(31, true), TestCase(50, true)]
    public async Task A_body_over_the_routes_limit_is_a_413_problem_from_the_gateway_and_never_reaches_the_downstream(int megabytes, bool chunked)
    {
        var refusedBefore = _downstream.RefusedBodies;
        var takenBefore = _downstream.Count;

        using var response = await Post("/hooks/github", megabytes * Megabyte, chunked);

        var problem = await ProblemOf(response, 413);
        Assert.That(problem.Detail(), Does.Contain(WebhookLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)), "names the route's limit");
        Assert.That(_downstream.Count, Is.EqualTo(takenBefore), "the downstream took no body");
        if (!chunked) Assert.That(_downstream.RefusedBodies, Is.EqualTo(refusedBefore), "a declared length is refused before anything is forwarded");
    }

    [TestCase(27), TestCase(31)]
    public async Task A_downstreams_own_413_reaches_the_client_when_the_gateway_does_not_know_the_limit(int megabytes)
    {
        var takenBefore = _downstream.Count;

        // Expect: 100-continue lets the downstream refuse the declared length before the body is sent.
        using var response = await Post("/unknown-limit/x", megabytes * Megabyte, chunked: false);

        var problem = await ProblemOf(response, 413);
        Assert.That(problem.Detail(), Does.Contain("takes at most"), "the downstream's answer, passed on");
        Assert.That(_downstream.Count, Is.EqualTo(takenBefore));
    }

    [Test]
    public async Task A_chunked_body_the_downstream_stops_taking_halfway_is_a_413_not_a_502()
    {
        var takenBefore = _downstream.Count;

        // Without a length the downstream can only refuse after reading its limit's worth. Its own 413 reaches the
        // gateway or is lost when it closes the connection, depending on timing; either way the client gets a 413.
        using var response = await Post("/unknown-limit/x", 31 * Megabyte, chunked: true);

        var problem = await ProblemOf(response, 413);
        Assert.That(problem.Detail(), Does.StartWith("The upstream service stopped taking the request body after")
            .Or.Contain("takes at most"), "the gateway's explanation, or the downstream's own answer passed on");
        Assert.That(_downstream.Count, Is.EqualTo(takenBefore));
    }
}
