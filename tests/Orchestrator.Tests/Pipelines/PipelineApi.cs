using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comet.Orchestrator.Tests.Pipelines;

/// <summary>A run as GET /api/v1/runs/{id} shows it; statuses stay the API's words (success, failed, …).</summary>
public sealed record RunView(
    Guid Id,
    long Number,
    string Status,
    string Event,
    string Ref,
    string? Branch,
    string? Tag,
    string? CommitSha,
    string? CommitMessage,
    string? Error,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    List<JobView> Jobs)
{
    public static readonly string[] FinalStatuses = ["success", "failed", "cancelled", "error"];

    public bool HasEnded => FinalStatuses.Contains(Status);

    /// <summary>The latest attempt of the job with this name.</summary>
    public JobView Job(string name) =>
        Jobs.Where(j => j.Name == name).MaxBy(j => j.Attempt)
        ?? throw new AssertionException($"run #{Number} has no job '{name}'; it has: {string.Join(", ", Jobs.Select(j => j.Name).Distinct())}");

    public List<JobView> Attempts(string name) => Jobs.Where(j => j.Name == name).OrderBy(j => j.Attempt).ToList();

    public override string ToString() =>
        $"run #{Number} {Status}{(Error is null ? "" : $" ({Error})")}: " +
        string.Join("; ", Jobs.Select(j => $"{j.Name}#{j.Attempt}={j.Status}{(j.Note is null ? "" : $" ({j.Note})")}"));
}

public sealed record JobView(
    Guid Id,
    string Name,
    string Status,
    int Attempt,
    bool AllowFailure,
    List<string> Needs,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    string? Note,
    List<StepView> Steps);

public sealed record StepView(int Index, string Name, string Status, int? ExitCode, DateTime? StartedAt, DateTime? FinishedAt);

public sealed record CreatedProject(string Slug, string WebhookSecret);

/// <summary>The orchestrator's pipeline API as a user drives it: create a project, start runs, watch them, read logs.</summary>
public static class PipelineApi
{
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<CreatedProject> CreateProjectAsync(this HttpClient client, string repoUrl, string? forge = null)
    {
        var name = "pipeline " + Guid.NewGuid().ToString("N")[..12];
        object body = forge is null ? new { name, repoUrl } : new { name, repoUrl, forge };
        using var response = await client.PostAsJsonAsync("/api/v1/projects", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<CreatedProject>(Json))!;
    }

    /// <summary>POST /api/v1/projects/{slug}/runs; expects 202 and returns the run as created.</summary>
    public static async Task<RunView> TriggerAsync(this HttpClient client, string slug, string? gitRef = null, string? sha = null,
        IReadOnlyDictionary<string, string>? variables = null)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/projects/{slug}/runs", new { @ref = gitRef, sha, variables });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<RunView>(Json))!;
    }

    public static async Task<RunView> GetRunAsync(this HttpClient client, Guid runId)
    {
        using var response = await client.GetAsync($"/api/v1/runs/{runId}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return JsonSerializer.Deserialize<RunView>(text, Json)!;
    }

    /// <summary>Polls the run every 100 ms until it has ended (success, failed, cancelled or error).</summary>
    public static Task<RunView> WaitForEndAsync(this HttpClient client, Guid runId) =>
        client.WaitForRunAsync(runId, run => run.HasEnded, "end");

    /// <summary>Polls the run every 100 ms until <paramref name="condition"/> holds; fails the test after a minute.</summary>
    public static async Task<RunView> WaitForRunAsync(this HttpClient client, Guid runId, Func<RunView, bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await client.GetRunAsync(runId);
            if (condition(run)) return run;
            if (clock.Elapsed > RunTimeout)
                Assert.Fail($"the run did not {what} within {RunTimeout.TotalSeconds:0} s; last seen: {run}");
            await Task.Delay(100);
        }
    }

    public static async Task<RunView> TriggerAndWaitAsync(this HttpClient client, string slug, IReadOnlyDictionary<string, string>? variables = null)
    {
        var run = await client.TriggerAsync(slug, variables: variables);
        return await client.WaitForEndAsync(run.Id);
    }

    public static string LogPath(RunView run, JobView job, int step) => $"/api/v1/runs/{run.Id}/jobs/{job.Id}/steps/{step}/log";

    /// <summary>GET a step's log as text (from a byte offset).</summary>
    public static async Task<string> ReadLogAsync(this HttpClient client, RunView run, JobView job, int step = 0, long offset = 0)
    {
        using var response = await client.GetAsync(LogPath(run, job, step) + (offset > 0 ? $"?offset={offset}" : ""));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return text;
    }

    /// <summary>The log's lines without their timestamps ("2026-01-02T03:04:05.678Z text" → "text").</summary>
    /// <summary>The lines a step wrote, without their timestamps and without the job header that opens a job's first step log.</summary>
    public static List<string> LogLines(string log) =>
        WithTimestamps(log).Where(line => !IsJobHeader(line)).ToList();

    /// <summary>
    /// "[comet] sandbox backend (bubblewrap): …" — which backend ran the job and the limits in force; "[comet] trace …" —
    /// the trace the job is part of, atop every step log when one is known.
    /// </summary>
    public static bool IsJobHeader(string line) =>
        line.StartsWith("[comet] sandbox backend", StringComparison.Ordinal) || line.StartsWith("[comet] local backend", StringComparison.Ordinal)
        || line.StartsWith("[comet] trace ", StringComparison.Ordinal);

    private static List<string> WithTimestamps(string log) =>
        log.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line =>
            {
                var space = line.IndexOf(' ');
                Assert.That(space, Is.GreaterThan(0), $"a log line without a timestamp: '{line}'");
                Assert.That(DateTime.TryParse(line[..space], System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.RoundtripKind, out _), Is.True, $"a log line that does not start with a timestamp: '{line}'");
                return line[(space + 1)..];
            })
            .ToList();

    public static async Task<JsonElement> ListAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    /// <summary>GET /api/v1/projects/{slug}/runs: the project's runs, newest first.</summary>
    public static async Task<List<JsonElement>> ListRunsAsync(this HttpClient client, string slug) =>
        [.. (await client.ListAsync($"/api/v1/projects/{slug}/runs")).GetProperty("items").EnumerateArray()];

    /// <summary>GET /api/v1/projects/{slug}/webhook-deliveries: the project's webhook deliveries, newest first.</summary>
    public static async Task<List<JsonElement>> ListDeliveriesAsync(this HttpClient client, string slug) =>
        [.. (await client.ListAsync($"/api/v1/projects/{slug}/webhook-deliveries?pageSize=100")).GetProperty("items").EnumerateArray()];
}
