using Comet.Gateway.Routing;

namespace Comet.Gateway.Tests.Units;

public sealed class DownstreamTemplateTests
{
    private static string Forward(string upstream, string downstream, string requestPath)
    {
        var up = UpstreamTemplate.Parse(upstream, caseSensitive: false);
        Assert.That(up.TryMatch(requestPath, out var values), Is.True, $"{requestPath} should match {upstream}");
        return DownstreamTemplate.Parse(downstream, up).Fill(values, requestPath.EndsWith('/'));
    }

    [TestCase("/api/cards/7", "/svc/{everything}", "?q=a%20b", "http://10.0.0.1:5080/svc/cards/7?q=a%20b")]
    [TestCase("/api", "/svc/{everything}", "", "http://10.0.0.1:5080/svc")]
    [TestCase("/api", "/{everything}", "?x=1", "http://10.0.0.1:5080/?x=1")]
    public void The_target_url_is_the_address_the_filled_path_and_the_query(string requestPath, string downstream, string query, string expected)
    {
        var up = UpstreamTemplate.Parse("/api/{everything}", caseSensitive: false);
        Assert.That(up.TryMatch(requestPath, out var values), Is.True);

        var url = DownstreamTemplate.Parse(downstream, up).Url("http://10.0.0.1:5080", values, requestPath.EndsWith('/'), query);

        Assert.That(url, Is.EqualTo(expected));
    }

    [Test]
    public void Placeholders_are_filled_in_anywhere_in_the_downstream_path()
    {
        Assert.That(Forward("/api/v{version}/cards/{id}", "/cards/{id}/v{version}.json", "/api/v2/cards/42"),
            Is.EqualTo("/cards/42/v2.json"));
    }

    [Test]
    public void Placeholder_may_be_used_twice_downstream()
    {
        Assert.That(Forward("/u/{name}", "/users/{name}/home/{name}", "/u/ada"), Is.EqualTo("/users/ada/home/ada"));
    }

    [Test]
    public void Catch_all_rest_is_copied_with_its_slashes()
    {
        Assert.That(Forward("/api/{everything}", "/svc/{everything}", "/api/cards/7/comments"), Is.EqualTo("/svc/cards/7/comments"));
    }

    [Test]
    public void Empty_catch_all_without_trailing_slash_drops_the_slash_before_it()
    {
        Assert.That(Forward("/api/{everything}", "/svc/{everything}", "/api"), Is.EqualTo("/svc"));
    }

    [Test]
    public void Empty_catch_all_after_a_trailing_slash_keeps_the_slash()
    {
        Assert.That(Forward("/api/{everything}", "/svc/{everything}", "/api/"), Is.EqualTo("/svc/"));
    }

    [Test]
    public void Catch_all_rest_keeps_its_trailing_slash()
    {
        Assert.That(Forward("/api/{everything}", "/svc/{everything}", "/api/cards/"), Is.EqualTo("/svc/cards/"));
    }

    [TestCase("/{everything}", "/")]
    [TestCase("/api/{everything}", "/api")]
    [TestCase("/api/{everything}", "/api/")]
    public void Root_downstream_catch_all_is_at_least_a_slash(string upstream, string requestPath)
    {
        Assert.That(Forward(upstream, "/{everything}", requestPath), Is.EqualTo("/"));
    }

    [Test]
    public void Literal_downstream_path_is_kept_as_written()
    {
        Assert.That(Forward("/api/{id}", "/Internal/Status", "/api/1"), Is.EqualTo("/Internal/Status"));
    }

    [Test]
    public void Downstream_placeholder_the_upstream_does_not_define_is_refused()
    {
        var upstream = UpstreamTemplate.Parse("/api/{id}", false);

        var error = Assert.Throws<FormatException>(() => DownstreamTemplate.Parse("/x/{name}", upstream));

        Assert.That(error!.Message, Is.EqualTo("'/x/{name}' uses {name}, which UpstreamPathTemplate '/api/{id}' does not define."));
    }

    [TestCase("cards/{id}", "'cards/{id}' must start with '/'.")]
    [TestCase("/cards/{id", "'/cards/{id' has a '{' without its '}'.")]
    [TestCase("/cards/id}", "'/cards/id}' has a '}' without its '{'.")]
    public void Malformed_downstream_template_is_refused_with_a_reason(string template, string message)
    {
        var upstream = UpstreamTemplate.Parse("/api/{id}", false);

        var error = Assert.Throws<FormatException>(() => DownstreamTemplate.Parse(template, upstream));

        Assert.That(error!.Message, Is.EqualTo(message));
    }
}
