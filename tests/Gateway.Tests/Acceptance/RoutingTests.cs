using System.Net;
using static Comet.Gateway.Tests.Acceptance.Answers;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>Which route a request takes and where it lands downstream.</summary>
public sealed class RoutingTests : AcceptanceTest
{
    [Test]
    public async Task Placeholders_are_substituted_into_the_downstream_path()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(
            Route.To("/api/projects/{project}/runs/{run}", "/internal/runs/{run}/of/{project}", downstream)));

        using var response = await gateway.Client.GetAsync("/api/projects/widgets/runs/42");

        var seen = await EchoOf(response);
        Assert.That(seen.Path, Is.EqualTo("/internal/runs/42/of/widgets"));
    }

    [TestCase("/api/v1/cards", "/cards/1")]
    [TestCase("/api/v12/cards", "/cards/12")]
    [TestCase("/api/vbeta/cards", "/cards/beta")]
    public async Task A_placeholder_inside_a_segment_is_substituted(string path, string expectedDownstreamPath)
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/api/v{version}/cards", "/cards/{version}", downstream)));

        using var response = await gateway.Client.GetAsync(path);

        Assert.That((await EchoOf(response)).Path, Is.EqualTo(expectedDownstreamPath));
    }

    [TestCase("/api/v1/x/cards")]
    [TestCase("/api/v1/cards/extra")]
    [TestCase("/api/1/cards")]
    public async Task A_placeholder_never_matches_more_than_its_segment(string path)
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/api/v{version}/cards", "/cards/{version}", downstream)));

        using var response = await gateway.Client.GetAsync(path);

        await ProblemOf(response, 404);
        Assert.That(downstream.Count, Is.Zero, "nothing reaches the downstream");
    }

    [Test]
    public async Task The_route_with_the_higher_priority_wins()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(
            Route.To("/api/cards/{id}", "/specific/{id}", downstream) with { Priority = 1 },
            Route.To("/api/{kind}/{id}", "/generic/{kind}/{id}", downstream) with { Priority = 2 }));

        using var response = await gateway.Client.GetAsync("/api/cards/7");

        Assert.That((await EchoOf(response)).Path, Is.EqualTo("/generic/cards/7"));
    }

    [Test]
    public async Task With_equal_priority_the_route_with_more_literal_text_wins_whatever_the_file_order()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(
            Route.To("/api/{kind}/{id}", "/generic/{kind}/{id}", downstream),
            Route.To("/api/cards/{id}", "/specific/{id}", downstream)));

        using var specific = await gateway.Client.GetAsync("/api/cards/7");
        using var generic = await gateway.Client.GetAsync("/api/boards/7");

        Assert.That((await EchoOf(specific)).Path, Is.EqualTo("/specific/7"));
        Assert.That((await EchoOf(generic)).Path, Is.EqualTo("/generic/boards/7"));
    }

    [TestCase(false, TestName = "{m}(first order)")]
    [TestCase(true, TestName = "{m}(reversed order)")]
    public async Task Between_equally_ranked_routes_the_first_in_the_file_wins(bool reversed)
    {
        var downstream = await StartDownstreamAsync();
        Route[] routes =
        [
            Route.To("/api/{kind}/cards", "/by-kind/{kind}", downstream),
            Route.To("/api/cards/{id}", "/by-id/{id}", downstream),
        ];
        if (reversed) Array.Reverse(routes);
        var gateway = InMemoryGateway(GatewayConfig.With(routes));

        using var response = await gateway.Client.GetAsync("/api/cards/cards");

        Assert.That((await EchoOf(response)).Path, Is.EqualTo(reversed ? "/by-id/cards" : "/by-kind/cards"));
    }

    [TestCase(null, TestName = "{m}(default priority)")]
    [TestCase(3, TestName = "{m}(same explicit priority)")]
    public async Task The_catch_all_ranks_below_other_routes_and_takes_the_multi_segment_rest(int? priority)
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(
            Route.To("/api/{everything}", "/rest/{everything}", downstream) with { Priority = priority },
            Route.To("/api/cards/{id}", "/cards/{id}", downstream) with { Priority = priority }));

        using var card = await gateway.Client.GetAsync("/api/cards/7");
        using var deep = await gateway.Client.GetAsync("/api/cards/7/history/2");

        Assert.That((await EchoOf(card)).Path, Is.EqualTo("/cards/7"), "the specific route wins over the catch-all listed first");
        Assert.That((await EchoOf(deep)).Path, Is.EqualTo("/rest/cards/7/history/2"), "only the catch-all takes several segments");
    }

    [Test]
    public async Task A_catch_all_with_a_higher_priority_wins_over_a_specific_route()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(
            Route.To("/api/cards/{id}", "/cards/{id}", downstream),
            Route.To("/api/{everything}", "/rest/{everything}", downstream) with { Priority = 5 }));

        using var response = await gateway.Client.GetAsync("/api/cards/7");

        Assert.That((await EchoOf(response)).Path, Is.EqualTo("/rest/cards/7"));
    }

    [TestCase("/api")]
    [TestCase("/api/")]
    public async Task The_catch_all_also_matches_its_bare_prefix(string path)
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/api/{everything}", "/rest/{everything}", downstream)));

        using var response = await gateway.Client.GetAsync(path);

        Assert.That((await EchoOf(response)).Path, Does.StartWith("/rest"));
    }

    [Test]
    public async Task Upstream_methods_restrict_the_route_case_insensitively()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(
            Route.To("/api/cards", "/cards", downstream) with { UpstreamHttpMethod = ["Get", "post"] }));

        using var get = await gateway.Client.GetAsync("/api/cards");
        using var post = await gateway.Client.PostAsync("/api/cards", new StringContent("{}"));
        using var delete = await gateway.Client.DeleteAsync("/api/cards");
        using var put = await gateway.Client.PutAsync("/api/cards", new StringContent("{}"));

        Assert.That((await EchoOf(get)).Method, Is.EqualTo("GET"));
        Assert.That((await EchoOf(post)).Method, Is.EqualTo("POST"));
        var problem = await ProblemOf(delete, 404);
        Assert.That(problem.Detail(), Does.Contain("DELETE"));
        await ProblemOf(put, 404);
        Assert.That(downstream.Count, Is.EqualTo(2), "only GET and POST reached the downstream");
    }

    [TestCase("GET")]
    [TestCase("POST")]
    [TestCase("PUT")]
    [TestCase("PATCH")]
    [TestCase("DELETE")]
    [TestCase("OPTIONS")]
    public async Task A_route_without_methods_takes_any_method(string method)
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/api/cards", "/cards", downstream)));

        using var request = new HttpRequestMessage(new HttpMethod(method), "/api/cards");
        using var response = await gateway.Client.SendAsync(request);

        Assert.That((await EchoOf(response)).Method, Is.EqualTo(method));
    }

    [Test]
    public async Task Paths_match_case_insensitively_by_default_and_placeholder_values_keep_their_case()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/api/cards/{id}", "/cards/{id}", downstream)));

        using var response = await gateway.Client.GetAsync("/API/Cards/AbC");

        Assert.That((await EchoOf(response)).Path, Is.EqualTo("/cards/AbC"));
    }

    [Test]
    public async Task A_case_sensitive_route_refuses_another_case()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(
            Route.To("/api/cards/{id}", "/cards/{id}", downstream) with { RouteIsCaseSensitive = true }));

        using var otherCase = await gateway.Client.GetAsync("/API/Cards/1");
        using var sameCase = await gateway.Client.GetAsync("/api/cards/1");

        await ProblemOf(otherCase, 404);
        Assert.That((await EchoOf(sameCase)).Path, Is.EqualTo("/cards/1"));
        Assert.That(downstream.Count, Is.EqualTo(1));
    }

    [TestCase("?q=a%20b%26c&tag=x%2Fy&tag=z&empty=")]
    [TestCase("?page=2")]
    [TestCase("")]
    public async Task The_query_string_passes_through_unchanged(string query)
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/api/search/{scope}", "/search/{scope}", downstream)));

        using var response = await gateway.Client.GetAsync("/api/search/cards" + query);

        var seen = await EchoOf(response);
        Assert.That(seen.RawTarget, Is.EqualTo("/search/cards" + query));
    }

    [Test]
    public async Task No_matching_route_is_a_404_problem_naming_the_method_and_path()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/api/cards", "/cards", downstream)));

        using var request = new HttpRequestMessage(HttpMethod.Delete, "/nowhere/at-all");
        using var response = await gateway.Client.SendAsync(request);

        var problem = await ProblemOf(response, 404);
        Assert.That(problem.Detail(), Does.Contain("DELETE").And.Contain("/nowhere/at-all"));
        Assert.That(downstream.Count, Is.Zero);
    }

    [Test]
    public async Task A_route_file_may_have_comments_trailing_commas_and_any_property_case()
    {
        var downstream = await StartDownstreamAsync();
        var json = $$"""
            {
              // an Ocelot user's file, hand-edited
              "routes": [
                {
                  "upstreamPathTemplate": "/api/cards/{id}",
                  "UPSTREAMHTTPMETHOD": [ "get", ],
                  "downstreampathtemplate": "/cards/{id}",
                  "DownstreamScheme": "http",
                  "DownstreamHostAndPorts": [ { "host": "127.0.0.1", "PORT": {{downstream.Port}} }, ],
                },
              ],
            }
            """;
        var gateway = InMemoryGateway(json);

        using var response = await gateway.Client.GetAsync("/api/cards/9");

        Assert.That((await EchoOf(response)).Path, Is.EqualTo("/cards/9"));
    }

    [Test]
    public async Task The_orchestrator_service_name_routes_to_the_configured_orchestrator_url()
    {
        var orchestrator = await StartDownstreamAsync("orchestrator");
        var gateway = InMemoryGateway(
            GatewayConfig.With(new Route { UpstreamPathTemplate = "/api/{everything}", DownstreamPathTemplate = "/api/{everything}", ServiceName = "orchestrator" }),
            orchestrator: orchestrator.BaseAddress);

        using var response = await gateway.Client.GetAsync("/api/v1/projects");

        var seen = await EchoOf(response);
        Assert.That(seen.Server, Is.EqualTo("orchestrator"));
        Assert.That(seen.Path, Is.EqualTo("/api/v1/projects"));
    }

    [Test]
    public async Task Routes_are_forwarded_with_their_method_and_body()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream)));
        const string json = "{\"name\":\"Widgets ✓\"}";

        using var response = await gateway.Client.PatchAsync("/api/projects/w", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        var seen = await EchoOf(response);
        Assert.Multiple(() =>
        {
            Assert.That(seen.Method, Is.EqualTo("PATCH"));
            Assert.That(seen.Path, Is.EqualTo("/projects/w"));
            Assert.That(seen.Body, Is.EqualTo(json));
            Assert.That(seen.Header("Content-Type"), Is.EqualTo("application/json; charset=utf-8"));
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
