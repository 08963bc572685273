using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Comet.Orchestrator.Tests.Api;

/// <summary>POST /api/v1/lint takes the file as YAML or plain text, as curl --data-binary sends it, or as JSON {content}.</summary>
public sealed class LintContentTypeTests : OrchestratorTestBase
{
    private const string Pipeline = "jobs:\n  build:\n    stepz:\n      - run: make\n";

    private async Task<HttpResponseMessage> PostAsync(string body, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await Client.PostAsync("/api/v1/lint", content);
    }

    private static string Messages(System.Text.Json.JsonElement result) =>
        string.Join("\n", result.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("message").GetString()));

    [TestCase("application/yaml")]
    [TestCase("application/x-yaml")]
    [TestCase("text/yaml")]
    [TestCase("text/x-yaml")]
    [TestCase("text/plain")]
    [TestCase("text/plain; charset=utf-8")]
    [TestCase("application/octet-stream")]
    [TestCase("application/x-www-form-urlencoded")] // what the README's curl --data-binary @.comet.yml sends
    [TestCase(null)]
    public async Task The_body_is_linted_as_the_pipeline_file(string? contentType)
    {
        using var response = await PostAsync(Pipeline, contentType);

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        var result = await response.ReadJsonAsync();
        Assert.That(result.GetProperty("valid").GetBoolean(), Is.False);
        Assert.That(Messages(result), Does.Contain("stepz"), "the file itself was read, not a form");
    }

    [Test]
    public async Task A_json_body_is_linted_from_its_content_field()
    {
        using var response = await PostAsync(System.Text.Json.JsonSerializer.Serialize(new { content = Pipeline }), "application/json");

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(Messages(await response.ReadJsonAsync()), Does.Contain("stepz"));
    }

    [Test]
    public async Task A_json_body_without_content_is_400_saying_what_to_send()
    {
        using var response = await PostAsync("{\"yaml\": \"jobs: {}\"}", "application/json");

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("\"content\""));
    }

    [TestCase("image/png")]
    [TestCase("multipart/form-data; boundary=x")]
    [TestCase("application/xml")]
    public async Task Another_content_type_is_415_naming_the_accepted_ones(string contentType)
    {
        using var response = await PostAsync(Pipeline, contentType);

        var problem = await response.ReadProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("application/yaml").And.Contain("application/x-yaml").And.Contain("text/yaml")
            .And.Contain("text/x-yaml").And.Contain("text/plain").And.Contain("application/json"));
    }
}
