using System.Net;
using System.Text.Json;

namespace Comet.Orchestrator.Tests;

public sealed class ApiDocumentationAndHealthTests : OrchestratorTestBase
{
    [TestCase("/api/v1/projects", "post")]
    [TestCase("/api/v1/projects", "get")]
    [TestCase("/api/v1/projects/{slug}", "get")]
    [TestCase("/api/v1/projects/{slug}", "put")]
    [TestCase("/api/v1/projects/{slug}", "delete")]
    public async Task Swagger_document_lists_the_endpoint(string path, string method)
    {
        using var response = await Client.GetAsync("/swagger/v1/swagger.json");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var paths = (await response.ReadJsonAsync()).GetProperty("paths");

        var documented = paths.EnumerateObject()
            .Where(p => p.Name == path)
            .SelectMany(p => p.Value.EnumerateObject().Select(o => o.Name))
            .ToList();
        Assert.That(documented, Does.Contain(method), $"paths: {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
    }

    [Test]
    public async Task Swagger_document_describes_the_problem_answers()
    {
        using var response = await Client.GetAsync("/swagger/v1/swagger.json");
        var get = (await response.ReadJsonAsync()).GetProperty("paths").GetProperty("/api/v1/projects/{slug}").GetProperty("get");

        Assert.That(get.GetProperty("responses").TryGetProperty("404", out _), Is.True, get.GetRawText());
    }

    [Test]
    public async Task Swagger_ui_is_served()
    {
        using var response = await Client.GetAsync("/swagger/index.html");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Comet API"));
    }

    [Test]
    public async Task Liveness_answers_200()
    {
        using var response = await Client.GetAsync("/health/live");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await response.ReadJsonAsync()).GetProperty("status").GetString(), Is.EqualTo("healthy"));
    }

    [Test]
    public async Task Readiness_answers_200_healthy_with_a_database_check()
    {
        using var response = await Client.GetAsync("/health/ready");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        var report = await response.ReadJsonAsync();
        Assert.That(report.GetProperty("status").GetString(), Is.EqualTo("healthy"));
        var database = report.GetProperty("checks").EnumerateArray()
            .SingleOrDefault(c => c.GetProperty("name").GetString() == "database");
        Assert.That(database.ValueKind, Is.EqualTo(JsonValueKind.Object), report.GetRawText());
        Assert.That(database.GetProperty("status").GetString(), Is.EqualTo("healthy"));
    }

    [Test]
    public void Sqlite_database_lives_in_the_configured_data_folder()
    {
        Assert.That(File.Exists(Path.Combine(Factory.DataDir, "comet.db")), Is.True,
            "Comet:DataDir given to the factory must reach the host before it opens the database");
    }
}
