using Comet.Gateway.Routing;

namespace Comet.Gateway.Tests.Units;

public sealed class UpstreamTemplateTests
{
    private static IReadOnlyDictionary<string, string>? MatchOrNull(string template, string path, bool caseSensitive = false) =>
        UpstreamTemplate.Parse(template, caseSensitive).TryMatch(path, out var values) ? values : null;

    [Test]
    public void Placeholder_matches_part_of_a_segment()
    {
        var values = MatchOrNull("/api/v{version}/cards", "/api/v1/cards");

        Assert.That(values, Is.Not.Null);
        Assert.That(values!["version"], Is.EqualTo("1"));
    }

    [Test]
    public void Placeholder_never_matches_across_a_slash()
    {
        Assert.That(MatchOrNull("/api/v{version}/cards", "/api/v1/x/cards"), Is.Null);
        Assert.That(MatchOrNull("/users/{id}", "/users/7/keys"), Is.Null);
    }

    [Test]
    public void Several_placeholders_each_take_their_own_segment()
    {
        var values = MatchOrNull("/users/{user}/repos/{repo}", "/users/ada/repos/engine");

        Assert.That(values, Is.EqualTo(new Dictionary<string, string> { ["user"] = "ada", ["repo"] = "engine" }));
    }

    [Test]
    public void Placeholder_values_stay_percent_encoded()
    {
        // An encoded slash is data inside one segment, not a separator; the value goes downstream as it came.
        var values = MatchOrNull("/files/{name}", "/files/a%2Fb%20c");

        Assert.That(values?["name"], Is.EqualTo("a%2Fb%20c"));
    }

    [Test]
    public void Literal_text_is_not_a_pattern()
    {
        Assert.That(MatchOrNull("/a.b/{id}", "/a.b/1"), Is.Not.Null);
        Assert.That(MatchOrNull("/a.b/{id}", "/aXb/1"), Is.Null);
        Assert.That(MatchOrNull("/c++/{id}", "/ccc/1"), Is.Null);
    }

    [Test]
    public void Template_without_placeholders_matches_only_its_own_path()
    {
        Assert.That(MatchOrNull("/health", "/health"), Is.Not.Null);
        Assert.That(MatchOrNull("/health", "/healthz"), Is.Null);
        Assert.That(MatchOrNull("/health", "/api/health"), Is.Null);
    }

    [TestCase("/api", "")]
    [TestCase("/api/", "")]
    [TestCase("/api/cards", "cards")]
    [TestCase("/api/cards/7/comments", "cards/7/comments")]
    [TestCase("/api/cards/", "cards/")]
    public void Catch_all_takes_the_rest_of_the_path(string path, string expected)
    {
        var values = MatchOrNull("/api/{everything}", path);

        Assert.That(values, Is.Not.Null, path);
        Assert.That(values!["everything"], Is.EqualTo(expected));
    }

    [Test]
    public void Catch_all_does_not_match_a_longer_first_segment()
    {
        Assert.That(MatchOrNull("/api/{everything}", "/apix"), Is.Null);
        Assert.That(MatchOrNull("/api/{everything}", "/other/api"), Is.Null);
    }

    [TestCase("/", "")]
    [TestCase("/anything/at/all", "anything/at/all")]
    public void Root_catch_all_matches_every_path(string path, string expected)
    {
        Assert.That(MatchOrNull("/{everything}", path)?["everything"], Is.EqualTo(expected));
    }

    [Test]
    public void Everything_before_the_last_segment_is_an_ordinary_placeholder()
    {
        var template = UpstreamTemplate.Parse("/{everything}/x", caseSensitive: false);

        Assert.That(template.IsCatchAll, Is.False);
        Assert.That(template.TryMatch("/a/x", out _), Is.True);
        Assert.That(template.TryMatch("/a/b/x", out _), Is.False);
    }

    [Test]
    public void Only_a_final_everything_makes_a_catch_all()
    {
        Assert.That(UpstreamTemplate.Parse("/api/{everything}", false).IsCatchAll, Is.True);
        Assert.That(UpstreamTemplate.Parse("/api/{rest}", false).IsCatchAll, Is.False);
    }

    [Test]
    public void Paths_compare_case_insensitively_by_default()
    {
        var values = MatchOrNull("/api/cards/{id}", "/API/Cards/AbC");

        Assert.That(values, Is.Not.Null);
        Assert.That(values!["id"], Is.EqualTo("AbC"), "the value keeps the request's case");
    }

    [Test]
    public void Case_sensitive_template_refuses_other_cases()
    {
        Assert.That(MatchOrNull("/api/cards", "/api/cards", caseSensitive: true), Is.Not.Null);
        Assert.That(MatchOrNull("/api/cards", "/API/cards", caseSensitive: true), Is.Null);
    }

    [Test]
    public void More_literal_template_has_the_larger_literal_length()
    {
        var literal = UpstreamTemplate.Parse("/api/cards", false);
        var placeholder = UpstreamTemplate.Parse("/api/{id}", false);
        var partly = UpstreamTemplate.Parse("/api/c{id}", false);

        Assert.That(literal.LiteralLength, Is.GreaterThan(partly.LiteralLength));
        Assert.That(partly.LiteralLength, Is.GreaterThan(placeholder.LiteralLength));
    }

    [TestCase("api/cards", "'api/cards' must start with '/'.")]
    [TestCase("", "'' must start with '/'.")]
    [TestCase("/api/{id", "'/api/{id' has a '{' without its '}'.")]
    [TestCase("/api/id}", "'/api/id}' has a '}' without its '{'.")]
    [TestCase("/api/}{id}", "'/api/}{id}' has a '}' without its '{'.")]
    [TestCase("/a/{id}/b/{id}", "'/a/{id}/b/{id}' uses {id} twice.")]
    [TestCase("/a/{x}{y}", "'/a/{x}{y}' has two placeholders with nothing between them.")]
    [TestCase("/a/{}", "'/a/{}' has a placeholder '{}'; names are letters, digits and '_'.")]
    [TestCase("/a/{x-y}", "'/a/{x-y}' has a placeholder '{x-y}'; names are letters, digits and '_'.")]
    [TestCase("/a/{x{y}", "'/a/{x{y}' has a placeholder '{x{y}'; names are letters, digits and '_'.")]
    public void Malformed_template_is_refused_with_a_reason(string template, string message)
    {
        var error = Assert.Throws<FormatException>(() => UpstreamTemplate.Parse(template, false));

        Assert.That(error!.Message, Is.EqualTo(message));
    }

    [Test]
    public void Catch_all_name_used_twice_is_refused()
    {
        var error = Assert.Throws<FormatException>(() => UpstreamTemplate.Parse("/{everything}/x/{everything}", false));

        Assert.That(error!.Message, Is.EqualTo("'/{everything}/x/{everything}' uses {everything} twice."));
    }

    [Test]
    public void Placeholder_names_may_start_with_a_digit()
    {
        // "names are letters, digits and '_'": {1st} is a valid name and must work like any other.
        var values = MatchOrNull("/a/{1st}/b/{2}", "/a/x/b/y");

        Assert.That(values, Is.EqualTo(new Dictionary<string, string> { ["1st"] = "x", ["2"] = "y" }));
    }
}
