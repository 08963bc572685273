using System.IO.Compression;
using System.Net;
using System.Text;
using Comet.Hosting;
using Comet.TestSupport;
using static Comet.Gateway.Tests.Acceptance.Answers;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>
/// The web UI at / from Gateway:WebRoot, through the gateway process on a loopback port: the page for / and deep
/// links, Vite's hashed assets cached for good, the API's and the routes' paths untouched.
/// </summary>
public sealed class WebUiTests : AcceptanceTest
{
    private const string PageMarker = "comet-web-ui-page";
    private const string Asset = "/assets/app-abc123.js";
    private const string Html = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    private TempDirectory _webRoot = null!;
    private AcceptanceDownstream _downstream = null!;
    private TestGateway _gateway = null!;
    private string _script = null!;

    [OneTimeSetUp]
    public async Task StartGatewayWithAWebRoot()
    {
        _webRoot = TrackForFixture(new TempDirectory("comet-web-root"));
        await File.WriteAllTextAsync(Path.Combine(_webRoot.Path, "index.html"),
            $"<!doctype html><html><head><script type=\"module\" src=\"{Asset}\"></script></head><body><div id=\"app\">{PageMarker}</div></body></html>");
        Directory.CreateDirectory(Path.Combine(_webRoot.Path, "assets"));
        // Big and repetitive, as bundled script is, so compression has something to do.
        _script = string.Concat(Enumerable.Range(0, 400).Select(i => $"export function view{i}(state) {{ return state.runs.filter(r => r.id !== {i}); }}\n"));
        await File.WriteAllTextAsync(Path.Combine(_webRoot.Path, "assets", "app-abc123.js"), _script);
        await File.WriteAllTextAsync(Path.Combine(_webRoot.Path, "favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");

        _downstream = TrackForFixture(await AcceptanceDownstream.StartAsync());
        _gateway = TrackForFixture(await TestGateway.StartProcessAsync(GatewayConfig.With(
                Route.To("/api/{everything}", "/{everything}", _downstream),
                Route.To("/auth/{everything}", "/{everything}", _downstream),
                Route.To("/dashboards/{everything}", "/{everything}", _downstream),
                Route.To("/hooks/{everything}", "/{everything}", _downstream) with { UpstreamHttpMethod = ["Post"] }),
            new Dictionary<string, string?> { ["Gateway:WebRoot"] = _webRoot.Path }));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? accept = Html, string? encodings = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        if (encodings is not null) request.Headers.TryAddWithoutValidation("Accept-Encoding", encodings);
        return await _gateway.Client.SendAsync(request);
    }

    private static async Task AssertIsThePageAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{what}: {body}");
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"), what);
            Assert.That(body, Does.Contain(PageMarker), what);
            Assert.That(response.Header("Cache-Control"), Is.EqualTo("no-cache"), what);
            Assert.That(response.Header("Content-Security-Policy"), Is.EqualTo(ContentSecurityPolicy.WebUi), what);
        });
        AssertSecurityHeaders(response, what);
    }

    [Test]
    public async Task The_root_is_the_page_revalidated_on_each_load_under_the_uis_strict_policy()
    {
        using var response = await SendAsync(HttpMethod.Get, "/");

        await AssertIsThePageAsync(response, "/");
        Assert.That(ContentSecurityPolicy.WebUi, Does.Contain("style-src 'self';").And.Contain("base-uri 'none'").And.Not.Contain("unsafe-inline"));
    }

    [TestCase("/projects/web/runs/abc")]
    [TestCase("/projects")]
    [TestCase("/settings/tokens/")]
    public async Task A_deep_link_a_browser_navigates_to_gets_the_page(string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path);

        await AssertIsThePageAsync(response, path);
    }

    [Test]
    public async Task A_deep_link_asked_for_as_json_is_the_gateways_404_problem()
    {
        using var response = await SendAsync(HttpMethod.Get, "/projects/web", accept: "application/json");

        await ProblemOf(response, 404);
    }

    [Test]
    public async Task A_hashed_asset_is_cached_for_a_year_as_immutable()
    {
        using var response = await SendAsync(HttpMethod.Get, Asset, accept: "*/*");

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Header("Cache-Control"), Is.EqualTo("public, max-age=31536000, immutable"));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/javascript"));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(_script));
            Assert.That(response.Header("Content-Security-Policy"), Is.Null, "a policy belongs on pages");
        });
        AssertSecurityHeaders(response, Asset);
    }

    [TestCase("*/*")]
    [TestCase(Html)]
    public async Task A_missing_asset_is_a_404_problem_never_the_page(string accept)
    {
        using var response = await SendAsync(HttpMethod.Get, "/assets/app-gone99.js", accept);

        var problem = await ProblemOf(response, 404);
        Assert.That(problem.Detail(), Does.Contain("/assets/app-gone99.js"));
    }

    [Test]
    public async Task Another_file_of_the_build_is_served_as_itself()
    {
        using var response = await SendAsync(HttpMethod.Get, "/favicon.svg", accept: Html);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/svg+xml"));
        Assert.That(response.Header("Cache-Control"), Is.EqualTo("no-cache"), "not hashed: checked before reuse");
        Assert.That(await response.Content.ReadAsStringAsync(), Does.StartWith("<svg"));
    }

    [TestCase("/hooks/github", Description = "a POST-only route")]
    [TestCase("/health/live", Description = "the API's, with no route in this file")]
    [TestCase("/.well-known/jwks.json")]
    [TestCase("/Health/ready", Description = "reserved whatever the case")]
    [TestCase("/metrics/extra")]
    [TestCase("/swagger/nothing-here")]
    public async Task The_apis_paths_keep_their_404_problem_even_for_a_browser(string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path);

        var problem = await ProblemOf(response, 404);
        Assert.That(problem.Detail(), Does.Contain("No route"));
    }

    [TestCase("/api/v1/projects")]
    [TestCase("/api")]
    [TestCase("/auth/providers")]
    [TestCase("/AUTH")]
    [TestCase("/dashboards/team", Description = "a path only the route file names")]
    public async Task A_routed_path_is_forwarded_even_when_a_browser_asks_for_html(string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path);

        var echo = await EchoOf(response);
        Assert.That(echo.Server, Is.EqualTo(_downstream.Name));
    }

    [Test]
    public async Task Head_answers_the_pages_and_the_assets_headers_without_a_body()
    {
        using var page = await SendAsync(HttpMethod.Head, "/projects/web");
        using var asset = await SendAsync(HttpMethod.Head, Asset, accept: "*/*");

        Assert.Multiple(async () =>
        {
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(page.Header("Cache-Control"), Is.EqualTo("no-cache"));
            Assert.That(page.Header("Content-Security-Policy"), Is.EqualTo(ContentSecurityPolicy.WebUi));
            Assert.That(await page.Content.ReadAsByteArrayAsync(), Is.Empty);
            Assert.That(asset.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(asset.Header("Cache-Control"), Is.EqualTo("public, max-age=31536000, immutable"));
            Assert.That(await asset.Content.ReadAsByteArrayAsync(), Is.Empty);
        });
    }

    [TestCase("br")]
    [TestCase("gzip")]
    public async Task The_uis_script_comes_compressed_when_the_browser_takes_it(string encoding)
    {
        using var response = await SendAsync(HttpMethod.Get, Asset, accept: "*/*", encodings: encoding);

        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.That(response.Content.Headers.ContentEncoding, Is.EqualTo(new[] { encoding }));
        Assert.That(bytes, Has.Length.LessThan(Encoding.UTF8.GetByteCount(_script) / 4));
        using Stream decompressing = encoding == "br"
            ? new BrotliStream(new MemoryStream(bytes), CompressionMode.Decompress)
            : new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(decompressing);
        Assert.That(await reader.ReadToEndAsync(), Is.EqualTo(_script));
    }

    [Test]
    public async Task Forwarded_answers_are_not_compressed_by_the_gateway()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/projects?filler=" + new string('a', 2000), accept: "*/*", encodings: "br, gzip");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentEncoding, Is.Empty);
    }

    [Test]
    public async Task Other_methods_on_the_uis_paths_are_not_the_page()
    {
        using var response = await _gateway.Client.PostAsync("/projects/web", new StringContent("{}", Encoding.UTF8, "application/json"));

        await ProblemOf(response, 404);
    }

    [Test]
    public async Task Without_the_web_root_folder_the_ui_is_off_and_the_root_stays_a_404()
    {
        using var missing = new TempDirectory("comet-no-web-root");
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", _downstream)),
            new Dictionary<string, string?> { ["Gateway:WebRoot"] = Path.Combine(missing.Path, "wwwroot") });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("Accept", Html);

        using var response = await gateway.Client.SendAsync(request);

        await ProblemOf(response, 404);
    }
}
