using System.Net;
using System.Net.Http.Headers;
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

    private async Task<JsonElement> DocumentAsync()
    {
        using var response = await Client.GetAsync("/swagger/v1/swagger.json");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.ReadJsonAsync();
    }

    private static JsonElement Operation(JsonElement document, string path, string method) =>
        document.GetProperty("paths").GetProperty(path).GetProperty(method);

    [Test]
    public async Task Swagger_document_has_an_http_bearer_scheme_naming_both_kinds_of_token()
    {
        var schemes = (await DocumentAsync()).GetProperty("components").GetProperty("securitySchemes");

        var bearer = schemes.GetProperty("bearer");
        Assert.Multiple(() =>
        {
            Assert.That(bearer.GetProperty("type").GetString(), Is.EqualTo("http"));
            Assert.That(bearer.GetProperty("scheme").GetString(), Is.EqualTo("bearer"));
            Assert.That(bearer.GetProperty("description").GetString(), Does.Contain("/auth/login").And.Contain("/api/v1/me/tokens"));
        });
    }

    [TestCase("/api/v1/projects", "post", true)]
    [TestCase("/api/v1/projects", "get", true)]
    [TestCase("/api/v1/projects/{slug}/runs", "post", true)]
    [TestCase("/api/v1/runs/{id}", "get", true)]
    [TestCase("/api/v1/lint", "post", true)]
    [TestCase("/api/v1/me/tokens", "post", true)]
    [TestCase("/auth/login", "post", false)]
    [TestCase("/auth/refresh", "post", false)]
    [TestCase("/hooks/{forge}", "post", false)]
    [TestCase("/.well-known/jwks.json", "get", false)]
    [TestCase("/api/v1/artifacts/{artifactId}/download", "get", false)]
    [TestCase("/api/v1/projects/{slug}/deliveries", "get", true)]
    [TestCase("/api/v1/projects/{slug}/webhook-deliveries", "get", true)]
    [TestCase("/api/v1/projects/{slug}/forge-status", "put", true)]
    public async Task Operations_that_need_a_token_carry_the_bearer_requirement_and_the_others_do_not(string path, string method, bool needsToken)
    {
        var operation = Operation(await DocumentAsync(), path, method);

        var schemes = operation.TryGetProperty("security", out var security)
            ? security.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).ToList()
            : [];
        Assert.That(schemes, needsToken ? Is.EqualTo(new[] { "bearer" }) : Is.Empty, operation.GetRawText());
    }

    [TestCase("CreateProjectCommand", "name")]
    [TestCase("CreateProjectCommand", "repoUrl")]
    [TestCase("LoginCommand", "username")]
    [TestCase("LoginCommand", "password")]
    [TestCase("RefreshTokensCommand", "refreshToken")]
    [TestCase("CreatePersonalAccessTokenCommand", "name")]
    [TestCase("RoleBody", "role")]
    public async Task A_required_field_is_required_and_not_nullable(string schema, string property)
    {
        var definition = (await DocumentAsync()).GetProperty("components").GetProperty("schemas").GetProperty(schema);

        var required = definition.TryGetProperty("required", out var list) ? list.EnumerateArray().Select(e => e.GetString()).ToList() : [];
        var field = definition.GetProperty("properties").GetProperty(property);
        Assert.That(required, Does.Contain(property), definition.GetRawText());
        Assert.That(field.TryGetProperty("nullable", out var nullable) && nullable.GetBoolean(), Is.False, definition.GetRawText());
    }

    [TestCase("CreateProjectCommand", "defaultBranch")]
    [TestCase("UpdateProjectCommand", "name")]
    public async Task An_optional_field_stays_optional(string schema, string property)
    {
        var definition = (await DocumentAsync()).GetProperty("components").GetProperty("schemas").GetProperty(schema);

        var required = definition.TryGetProperty("required", out var list) ? list.EnumerateArray().Select(e => e.GetString()).ToList() : [];
        Assert.That(required, Does.Not.Contain(property));
    }

    [TestCase("LoginCommand", "clientAddress")]
    [TestCase("CreatePersonalAccessTokenCommand", "userId")]
    [TestCase("UpdateProjectCommand", "slug")]
    public async Task A_field_the_server_sets_is_not_in_the_request_schema(string schema, string property)
    {
        var definition = (await DocumentAsync()).GetProperty("components").GetProperty("schemas").GetProperty(schema);

        Assert.That(definition.GetProperty("properties").TryGetProperty(property, out _), Is.False, definition.GetRawText());
    }

    [TestCase("/api/v1/projects", "post", true)]
    [TestCase("/api/v1/projects", "get", false)]
    [TestCase("/api/v1/projects/{slug}", "get", false)]
    [TestCase("/api/v1/projects/{slug}", "put", true)]
    [TestCase("/api/v1/projects/{slug}/runs", "post", true)]
    [TestCase("/api/v1/projects/{slug}/runs", "get", false)]
    [TestCase("/api/v1/runs", "get", false)]
    [TestCase("/api/v1/runs/{id}", "get", false)]
    [TestCase("/api/v1/admin/users", "get", false)]
    [TestCase("/api/v1/admin/queue", "get", false)]
    [TestCase("/api/v1/runs/{id}/cancel", "post", false)]
    [TestCase("/api/v1/runs/{id}/retry", "post", false)]
    [TestCase("/api/v1/runs/{id}/jobs/{jobId}/steps/{index}/log", "get", false)]
    [TestCase("/api/v1/lint", "post", true)]
    [TestCase("/hooks/{forge}", "post", true)]
    [TestCase("/hooks/{forge}/{slug}", "post", true)]
    [TestCase("/auth/login", "post", true)]
    [TestCase("/auth/refresh", "post", true)]
    [TestCase("/api/v1/me/tokens", "post", true)]
    [TestCase("/api/v1/projects/{slug}/deliveries", "get", false)]
    [TestCase("/api/v1/deliveries/{id}", "get", false)]
    [TestCase("/api/v1/deliveries/{id}/redeliver", "post", false)]
    [TestCase("/api/v1/projects/{slug}/deliveries/redeliver-dead", "post", false)]
    [TestCase("/api/v1/projects/{slug}/forge-status", "get", false)]
    [TestCase("/api/v1/projects/{slug}/forge-status", "put", true)]
    public async Task A_main_operation_has_a_summary_a_description_and_examples(string path, string method, bool hasBody)
    {
        var operation = Operation(await DocumentAsync(), path, method);

        Assert.Multiple(() =>
        {
            Assert.That(operation.StringOrNull("summary"), Is.Not.Null.And.Not.Empty, operation.GetRawText());
            Assert.That(operation.StringOrNull("description"), Is.Not.Null.And.Length.GreaterThan(40), operation.GetRawText());
            var success = operation.GetProperty("responses").EnumerateObject().First(r => r.Name.StartsWith('2')).Value;
            Assert.That(HasExample(success), Is.True, $"an example answer: {operation.GetRawText()}");
            if (hasBody) Assert.That(HasExample(operation.GetProperty("requestBody")), Is.True, $"an example request: {operation.GetRawText()}");
        });
    }

    [Test]
    public async Task The_webhook_operation_has_an_example_for_each_forge()
    {
        var body = Operation(await DocumentAsync(), "/hooks/{forge}", "post").GetProperty("requestBody");

        var examples = body.GetProperty("content").GetProperty("application/json").GetProperty("examples").EnumerateObject().Select(e => e.Name);
        Assert.That(examples, Is.EquivalentTo(new[] { "github push", "gitlab push", "gitea push" }));
    }

    private static bool HasExample(JsonElement withContent) =>
        withContent.TryGetProperty("content", out var content)
        && content.EnumerateObject().Any(media => media.Value.TryGetProperty("example", out _) || media.Value.TryGetProperty("examples", out _));

    [TestCase("/swagger")]
    [TestCase("/swagger/")]
    [TestCase("/swagger/index.html")]
    public async Task Swagger_ui_answers_200_html_with_a_content_security_policy(string path)
    {
        using var response = await Client.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "no redirect");
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(response.Headers.TryGetValues("Content-Security-Policy", out var csp), Is.True);
        Assert.That(csp!.Single(), Is.EqualTo(Comet.Hosting.ContentSecurityPolicy.Default));
        var page = await response.Content.ReadAsStringAsync();
        Assert.That(page, Does.Contain("<base href=\"/swagger/\">"), "its relative script and style links resolve under /swagger/");
    }

    [Test]
    public async Task Swagger_ui_scripts_load_from_where_the_page_at_swagger_points()
    {
        using var page = await Client.GetAsync("/swagger");
        var html = await page.Content.ReadAsStringAsync();
        var baseAddress = new Uri(Client.BaseAddress!, "/swagger/");

        foreach (var script in System.Text.RegularExpressions.Regex.Matches(html, "src=\"([^\"]+)\"").Select(m => m.Groups[1].Value))
        {
            using var response = await Client.GetAsync(new Uri(baseAddress, script));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), script);
        }
    }

    [Test]
    public async Task Authorize_with_the_documented_scheme_calls_an_endpoint_that_needs_a_token()
    {
        var document = await DocumentAsync();
        var requirement = Operation(document, "/api/v1/projects", "get").GetProperty("security")[0].EnumerateObject().Single().Name;
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty(requirement).GetProperty("scheme").GetString()!;
        var token = Client.DefaultRequestHeaders.Authorization!.Parameter!;
        using var anonymous = Factory.CreateClient();

        using var refused = await anonymous.GetAsync("/api/v1/projects");
        // What Swagger UI sends after Authorize: "<scheme> <token>" for an http scheme.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/projects") { Headers = { Authorization = new AuthenticationHeaderValue(scheme, token) } };
        using var allowed = await anonymous.SendAsync(request);

        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await allowed.Content.ReadAsStringAsync());
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
