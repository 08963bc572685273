using static Comet.Gateway.Tests.Units.RouteFiles;

namespace Comet.Gateway.Tests.Units;

public sealed class RouteTableTests
{
    private static string? MatchedTemplate(string json, string method, string path) =>
        Build(json).Match(method, path)?.Route.Upstream.Text;

    [Test]
    public void Higher_priority_wins_over_a_more_specific_template()
    {
        var json = File(
            Route("/api/cards"),
            Route("/api/{everything}", extra: """, "Priority": 5"""));

        Assert.That(MatchedTemplate(json, "GET", "/api/cards"), Is.EqualTo("/api/{everything}"));
    }

    [Test]
    public void Catch_all_ranks_below_an_ordinary_route_of_the_same_priority()
    {
        // The catch-all has more literal text and comes first in the file; it must still lose.
        var json = File(
            Route("/api/{everything}", extra: """, "Priority": 1"""),
            Route("/{section}", extra: """, "Priority": 1"""));

        Assert.That(MatchedTemplate(json, "GET", "/api"), Is.EqualTo("/{section}"));
    }

    [Test]
    public void Catch_all_defaults_below_ordinary_routes()
    {
        var json = File(
            Route("/{everything}"),
            Route("/{section}/{page}"));

        Assert.That(MatchedTemplate(json, "GET", "/docs/intro"), Is.EqualTo("/{section}/{page}"));
        Assert.That(MatchedTemplate(json, "GET", "/docs/intro/more"), Is.EqualTo("/{everything}"));
    }

    [Test]
    public void More_literal_template_wins_among_equal_priorities()
    {
        var json = File(
            Route("/api/{id}"),
            Route("/api/cards"));

        Assert.That(MatchedTemplate(json, "GET", "/api/cards"), Is.EqualTo("/api/cards"));
        Assert.That(MatchedTemplate(json, "GET", "/api/boards"), Is.EqualTo("/api/{id}"));
    }

    [Test]
    public void File_order_breaks_the_remaining_ties()
    {
        var json = File(
            Route("/api/{first}", "/one"),
            Route("/api/{second}", "/two"));

        var match = Build(json).Match("GET", "/api/x");

        Assert.That(match?.Route.Index, Is.EqualTo(0));
        Assert.That(match!.Route.Downstream.Text, Is.EqualTo("/one"));
    }

    [Test]
    public void Routes_are_listed_in_the_order_they_are_tried()
    {
        var json = File(
            Route("/{everything}"),
            Route("/api/{id}"),
            Route("/api/{everything}", extra: """, "Priority": 3"""),
            Route("/api/cards"),
            Route("/api/{other}"));

        var order = Build(json).Routes.Select(r => r.Upstream.Text);

        Assert.That(order, Is.EqualTo(new[] { "/api/{everything}", "/api/cards", "/api/{id}", "/api/{other}", "/{everything}" }));
    }

    [Test]
    public void Route_answers_only_its_methods()
    {
        var json = File(
            Route("/cards", "/read", """, "UpstreamHttpMethod": [ "Get" ]"""),
            Route("/cards", "/write", """, "UpstreamHttpMethod": [ "post", "PUT" ]"""));
        var table = Build(json);

        Assert.That(table.Match("GET", "/cards")?.Route.Downstream.Text, Is.EqualTo("/read"));
        Assert.That(table.Match("POST", "/cards")?.Route.Downstream.Text, Is.EqualTo("/write"));
        Assert.That(table.Match("PUT", "/cards")?.Route.Downstream.Text, Is.EqualTo("/write"));
        Assert.That(table.Match("DELETE", "/cards"), Is.Null);
    }

    [Test]
    public void Route_without_methods_answers_any_method()
    {
        var table = Build(File(Route("/cards")));

        foreach (var method in new[] { "GET", "POST", "DELETE", "PATCH", "PROPFIND" })
            Assert.That(table.Match(method, "/cards"), Is.Not.Null, method);
    }

    [Test]
    public void Request_method_matches_whatever_its_case()
    {
        // "Methods compare case-insensitively": Kestrel hands a request line "get /cards" over as "get".
        var table = Build(File(Route("/cards", extra: """, "UpstreamHttpMethod": [ "GET" ]""")));

        Assert.That(table.Match("get", "/cards"), Is.Not.Null);
    }

    [Test]
    public void Wrong_method_falls_through_to_the_next_route()
    {
        var json = File(
            Route("/cards", "/only-post", """, "UpstreamHttpMethod": [ "POST" ]"""),
            Route("/{everything}", "/fallback"));

        Assert.That(Build(json).Match("GET", "/cards")?.Route.Downstream.Text, Is.EqualTo("/fallback"));
    }

    [Test]
    public void Unmatched_path_gives_no_route()
    {
        Assert.That(Build(File(Route("/api/cards"))).Match("GET", "/api/boards"), Is.Null);
    }

    [Test]
    public void Match_carries_the_placeholder_values()
    {
        var match = Build(File(Route("/api/v{version}/cards/{id}"))).Match("GET", "/api/v3/cards/9");

        Assert.That(match?.Values, Is.EqualTo(new Dictionary<string, string> { ["version"] = "3", ["id"] = "9" }));
    }

    [Test]
    public void Case_sensitive_route_lets_other_cases_fall_through()
    {
        var json = File(
            Route("/Cards", "/exact", """, "RouteIsCaseSensitive": true"""),
            Route("/{everything}", "/fallback"));
        var table = Build(json);

        Assert.That(table.Match("GET", "/Cards")?.Route.Downstream.Text, Is.EqualTo("/exact"));
        Assert.That(table.Match("GET", "/cards")?.Route.Downstream.Text, Is.EqualTo("/fallback"));
    }
}
