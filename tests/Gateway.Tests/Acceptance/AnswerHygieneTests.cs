using System.Net;
using System.Text.RegularExpressions;
using Comet.Gateway.Configuration;
using static Comet.Gateway.Tests.Acceptance.Answers;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>Answers a browser or a careless client gets: oversized request heads in words, pages with a CSP.</summary>
public sealed partial class AnswerHygieneTests : AcceptanceTest
{
    private AcceptanceDownstream _downstream = null!;
    private TestGateway _gateway = null!;

    [OneTimeSetUp]
    public async Task StartDownstreamAndGateway()
    {
        _downstream = TrackForFixture(await AcceptanceDownstream.StartAsync());
        // A process: Kestrel's own header limits only exist on real sockets.
        _gateway = TrackForFixture(await TestGateway.StartProcessAsync(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", _downstream))));
    }

    private int ReachedDownstream(string marker) => _downstream.Requests.Count(r => r.RawTarget.Contains(marker, StringComparison.Ordinal));

    [Test]
    public async Task A_100_KB_authorization_header_is_a_431_problem_that_names_the_header()
    {
        var marker = Guid.NewGuid().ToString("N");
        using var request = Get("/api/cards?m=" + marker, ("Authorization", "Bearer " + new string('a', 100_000)));

        using var response = await _gateway.Client.SendAsync(request);

        var problem = await ProblemOf(response, 431);
        Assert.That(problem.Detail(), Does.Contain("Authorization").And.Contain("32768"));
        AssertSecurityHeaders(response, "431");
        Assert.That(ReachedDownstream(marker), Is.Zero);
    }

    [Test]
    public async Task Too_many_header_fields_are_a_431_problem()
    {
        var marker = Guid.NewGuid().ToString("N");
        using var request = Get("/api/cards?m=" + marker, [.. Enumerable.Range(0, 150).Select(i => ($"X-Field-{i}", "v"))]);

        using var response = await _gateway.Client.SendAsync(request);

        var problem = await ProblemOf(response, 431);
        Assert.That(problem.Detail(), Does.Contain("at most 100"));
        Assert.That(ReachedDownstream(marker), Is.Zero);
    }

    [Test]
    public async Task A_request_line_over_8_KB_is_a_414_problem()
    {
        var marker = Guid.NewGuid().ToString("N");

        using var response = await _gateway.Client.GetAsync($"/api/cards?m={marker}&q={new string('q', 20_000)}");

        var problem = await ProblemOf(response, 414);
        Assert.That(problem.Detail(), Does.Contain("8192"));
        Assert.That(ReachedDownstream(marker), Is.Zero);
    }

    [Test]
    public async Task Headers_within_the_limits_are_forwarded()
    {
        var marker = Guid.NewGuid().ToString("N");
        using var request = Get("/api/cards?m=" + marker, ("Cookie", "session=" + new string('c', 20_000)));

        using var response = await _gateway.Client.SendAsync(request);

        var seen = await EchoOf(response);
        Assert.That(seen.Header("Cookie"), Has.Length.EqualTo(20_008));
    }

    [Test]
    public async Task The_swagger_ui_page_has_the_default_csp_and_loads_only_same_origin_scripts_and_styles()
    {
        using var response = await _gateway.Client.GetAsync("/swagger/index.html");

        var html = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(response.Header("Content-Security-Policy"), Is.EqualTo(GatewayOptions.DefaultContentSecurityPolicy));
        Assert.That(InlineScript().IsMatch(html), Is.False, "script-src 'self' forbids inline scripts");
        var references = Reference().Matches(html).Select(m => m.Groups["url"].Value).ToList();
        Assert.That(references, Is.Not.Empty);
        foreach (var reference in references)
        {
            Assert.That(Uri.TryCreate(reference, UriKind.Relative, out _), Is.True, $"{reference} is same-origin");
            using var asset = await _gateway.Client.GetAsync(new Uri(new Uri(_gateway.Client.BaseAddress!, "/swagger/"), reference));
            Assert.That(asset.StatusCode, Is.EqualTo(HttpStatusCode.OK), reference);
        }
    }

    [Test]
    public async Task A_forwarded_page_without_a_policy_gets_the_default_and_other_answers_get_none()
    {
        using var page = await _gateway.Client.GetAsync("/api/page");
        using var json = await _gateway.Client.GetAsync("/api/cards");
        using var problem = await _gateway.Client.GetAsync("/nowhere");

        Assert.That(page.Header("Content-Security-Policy"), Is.EqualTo(GatewayOptions.DefaultContentSecurityPolicy));
        Assert.That(json.Header("Content-Security-Policy"), Is.Null, "JSON runs no scripts");
        Assert.That(problem.Header("Content-Security-Policy"), Is.Null);
    }

    [Test]
    public async Task A_forwarded_page_keeps_its_own_policy()
    {
        using var page = await _gateway.Client.GetAsync("/api/page?csp=" + Uri.EscapeDataString("default-src 'none'"));

        Assert.That(page.Header("Content-Security-Policy"), Is.EqualTo("default-src 'none'"));
    }

    [TestCase("default-src 'self'", "default-src 'self'")]
    [TestCase("", null)]
    public async Task The_policy_is_configurable_and_can_be_turned_off(string configured, string? expected)
    {
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", _downstream)),
            new Dictionary<string, string?> { ["Gateway:ContentSecurityPolicy"] = configured });

        using var swagger = await gateway.Client.GetAsync("/swagger/index.html");
        using var page = await gateway.Client.GetAsync("/api/page");

        Assert.That(swagger.Header("Content-Security-Policy"), Is.EqualTo(expected));
        Assert.That(page.Header("Content-Security-Policy"), Is.EqualTo(expected));
    }

    [GeneratedRegex("""<script(?![^>]*\bsrc=)[^>]*>\s*\S""", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(""""<(?:script|link)[^>]*\b(?:src|href)="(?<url>[^"]+)"""", RegexOptions.IgnoreCase)]
    private static partial Regex Reference();
}
