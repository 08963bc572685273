using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Comet.Orchestrator.Tests.Pipelines;

namespace Comet.Orchestrator.Tests.Testing;

/// <summary>
/// The test-report, coverage and artifact API as a user reads it. Answers stay JSON (<see cref="JsonElement"/>) so a
/// test sees the field names the contract promises, not what a C# record would quietly tolerate.
/// </summary>
public static class TestingApi
{
    /// <summary>GET <paramref name="path"/>; expects 200 and returns the body as JSON.</summary>
    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"GET {path}: {text}");
        return await response.ReadJsonAsync();
    }

    /// <summary>GET /api/v1/runs/{id}/tests.</summary>
    public static Task<JsonElement> RunTestsAsync(this HttpClient client, Guid runId) =>
        client.GetJsonAsync($"/api/v1/runs/{runId}/tests?limit=1000");

    /// <summary>GET /api/v1/runs/{id}/coverage.</summary>
    public static Task<JsonElement> RunCoverageAsync(this HttpClient client, Guid runId) =>
        client.GetJsonAsync($"/api/v1/runs/{runId}/coverage");

    /// <summary>GET /api/v1/runs/{id}/artifacts: the run's artifacts.</summary>
    public static async Task<List<JsonElement>> ListArtifactsAsync(this HttpClient client, Guid runId) =>
        [.. (await client.GetJsonAsync($"/api/v1/runs/{runId}/artifacts")).GetProperty("items").EnumerateArray()];

    /// <summary>The artifact of <paramref name="jobName"/> with this workspace path; fails the test when there is none.</summary>
    public static JsonElement Artifact(this IEnumerable<JsonElement> artifacts, string jobName, string path)
    {
        var all = artifacts.ToList();
        var match = all.Where(a => a.GetProperty("jobName").GetString() == jobName && a.GetProperty("path").GetString() == path).ToList();
        Assert.That(match, Has.Count.EqualTo(1),
            $"expected one artifact {path} of job {jobName}; the run has: {string.Join(", ", all.Select(Describe))}");
        return match[0];
    }

    public static string Describe(JsonElement artifact) =>
        $"{artifact.GetProperty("jobName").GetString()}:{artifact.GetProperty("path").GetString()}";

    public static string DownloadPath(Guid runId, JsonElement artifact) =>
        $"/api/v1/runs/{runId}/artifacts/{artifact.GetProperty("id").GetString()}";

    /// <summary>GET the artifact's bytes through the run; expects 200, application/octet-stream and an attachment.</summary>
    public static async Task<byte[]> DownloadAsync(this HttpClient client, Guid runId, JsonElement artifact)
    {
        using var response = await client.GetAsync(DownloadPath(runId, artifact));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), Encoding.UTF8.GetString(bytes));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/octet-stream"));
        Assert.That(response.Content.Headers.ContentDisposition?.DispositionType, Is.EqualTo("attachment"));
        return bytes;
    }

    /// <summary>POST …/artifacts/{artifactId}/url; expects 200 and returns the body ({ url, expiresAt }).</summary>
    public static async Task<JsonElement> CreateSignedUrlAsync(this HttpClient client, Guid runId, JsonElement artifact, string? expiresIn = null)
    {
        using var response = await client.PostAsJsonAsync(DownloadPath(runId, artifact) + "/url",
            expiresIn is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["expiresIn"] = expiresIn });
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return await response.ReadJsonAsync();
    }

    /// <summary>The raw job objects of a run (GET /api/v1/runs/{id} → jobs[]), for fields <see cref="JobView"/> does not have.</summary>
    public static async Task<List<JsonElement>> RawJobsAsync(this HttpClient client, Guid runId) =>
        [.. (await client.GetJsonAsync($"/api/v1/runs/{runId}")).GetProperty("jobs").EnumerateArray()];

    /// <summary>jobs[].warnings of the latest attempt of the job with this name.</summary>
    public static async Task<List<string>> JobWarningsAsync(this HttpClient client, Guid runId, string jobName)
    {
        var job = (await client.RawJobsAsync(runId))
            .Where(j => j.GetProperty("name").GetString() == jobName)
            .MaxBy(j => j.GetProperty("attempt").GetInt32());
        Assert.That(job.ValueKind, Is.EqualTo(JsonValueKind.Object), $"the run has no job '{jobName}'");
        Assert.That(job.TryGetProperty("warnings", out var warnings), Is.True, $"job '{jobName}' has no 'warnings' field: {job}");
        Assert.That(warnings.ValueKind, Is.EqualTo(JsonValueKind.Array), $"job '{jobName}': warnings is not a list: {job}");
        return [.. warnings.EnumerateArray().Select(w => w.GetString()!)];
    }

    /// <summary>The contract's test id: the first 16 hex characters of SHA-256 over jobName \0 suite \0 className \0 name.</summary>
    public static string TestId(string jobName, string suite, string className, string name) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{jobName}\0{suite}\0{className}\0{name}")))[..16];

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static IEnumerable<JsonElement> Items(this JsonElement element, string property = "items") =>
        element.GetProperty(property).EnumerateArray();

    public static string Str(this JsonElement element, string property) =>
        element.GetProperty(property).GetString() ?? throw new AssertionException($"'{property}' is null in {element}");

    public static int Int(this JsonElement element, string property) => element.GetProperty(property).GetInt32();

    public static double Num(this JsonElement element, string property) => element.GetProperty(property).GetDouble();

    public static bool Bool(this JsonElement element, string property) => element.GetProperty(property).GetBoolean();

    /// <summary>A new account (made by the admin) signed in on a client of its own; the caller disposes the client.</summary>
    public static async Task<(string Name, HttpClient Client)> NewUserAsync(this OrchestratorFactory factory, HttpClient admin)
    {
        const string password = "a long enough password";
        var name = "u" + Guid.NewGuid().ToString("N")[..10];
        using var created = await admin.PostAsJsonAsync("/api/v1/admin/users", new { username = name, password });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return (name, OrchestratorFactory.SignIn(factory.CreateClient(), name, password));
    }

    public static async Task AddMemberAsync(this HttpClient owner, string slug, string username, string role)
    {
        using var put = await owner.PutAsJsonAsync($"/api/v1/projects/{slug}/members/{username}", new { role });
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
    }
}
