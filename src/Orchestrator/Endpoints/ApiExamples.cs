namespace Comet.Orchestrator.Endpoints;

/// <summary>
/// The example bodies Swagger shows for the main operations. One consistent story (project "Shop API", run 42), so an
/// answer's ids and names are the ones the next request would use.
/// </summary>
internal static class ApiExamples
{
    private const string ProjectId = "0193a6f2-7c1e-7d3a-9b41-5f0c2e8d1a77";
    private const string RunId = "0193a6f4-1b2c-7e5f-8a90-3c4d5e6f7a81";
    private const string JobId = "0193a6f4-1b2d-7f10-9c22-7e8f90a1b2c3";
    private const string Sha = "9f3c2a1b7e5d4c6f8a0b1c2d3e4f5a6b7c8d9e0f";
    private static readonly DateTime At = new(2026, 11, 23, 9, 30, 0, DateTimeKind.Utc);

    public static readonly object CreateProject = new
    {
        name = "Shop API", repoUrl = "https://github.com/acme/shop-api.git", defaultBranch = "main", forge = "github", pipelineFile = ".comet.yml",
    };

    public static readonly object Project = new
    {
        id = ProjectId, slug = "shop-api", name = "Shop API", repoUrl = "https://github.com/acme/shop-api.git", defaultBranch = "main",
        forge = "github", pipelineFile = ".comet.yml", createdAt = At, updatedAt = At,
        autoCancel = new { branches = "non_default", pullRequests = true },
    };

    public static readonly object CreatedProject = new
    {
        id = ProjectId, slug = "shop-api", name = "Shop API", repoUrl = "https://github.com/acme/shop-api.git", defaultBranch = "main",
        forge = "github", pipelineFile = ".comet.yml", createdAt = At, updatedAt = At,
        autoCancel = new { branches = "non_default", pullRequests = true },
        webhookSecret = "5f1d0c8e2b7a4d39a6c1e0f7b2d8c4a95f1d0c8e2b7a4d39a6c1e0f7b2d8c4a9",
    };

    public static readonly object ProjectPage = new { items = new[] { Project }, page = 1, pageSize = 20, totalCount = 1, totalPages = 1 };

    public static readonly object UpdateProject = new { defaultBranch = "develop", autoCancel = new { branches = "all" } };

    public static readonly object TriggerRun = new { @ref = "main", variables = new Dictionary<string, string> { ["CONFIGURATION"] = "Release" } };

    public static readonly object ApprovalComment = new { comment = "Release notes checked; go ahead." };

    public static readonly object Run = new
    {
        id = RunId, projectSlug = "shop-api", number = 42, status = "running", @event = "manual", @ref = "refs/heads/main", branch = "main",
        commitSha = Sha, commitMessage = "Add the order endpoint", createdAt = At, startedAt = At.AddSeconds(1),
        jobs = new[]
        {
            new
            {
                id = JobId, name = "build", status = "running", attempt = 1, allowFailure = false, needs = Array.Empty<string>(),
                startedAt = (DateTime?)At.AddSeconds(2), warnings = Array.Empty<string>(),
                steps = new[] { new { index = 0, name = "restore", status = "running", startedAt = (DateTime?)At.AddSeconds(2) } },
            },
        },
    };

    public static readonly object QueuedRun = new
    {
        id = RunId, projectSlug = "shop-api", number = 42, status = "queued", @event = "manual", @ref = "refs/heads/main", branch = "main",
        createdAt = At, jobs = Array.Empty<object>(),
    };

    public static readonly object CancelledRun = new
    {
        id = RunId, projectSlug = "shop-api", number = 42, status = "cancelled", @event = "push", @ref = "refs/heads/main", branch = "main",
        commitSha = Sha, createdAt = At, startedAt = At.AddSeconds(1), finishedAt = At.AddMinutes(2), jobs = Array.Empty<object>(),
    };

    private static readonly object RunRow = new
    {
        id = RunId, number = 42, status = "success", @event = "push", @ref = "refs/heads/main", commitSha = Sha,
        commitMessage = "Add the order endpoint", createdAt = At, startedAt = At.AddSeconds(1), finishedAt = At.AddMinutes(3),
        projectSlug = "shop-api", branch = "main", triggeredBy = "octocat", commitAuthor = "Mona Lisa",
    };

    public static readonly object RunPage = new { items = new[] { RunRow }, page = 1, pageSize = 20, totalCount = 57, totalPages = 3, nextBefore = 42 };

    public static readonly object RecentRuns = new { items = new[] { RunRow } };

    public static readonly object UserPage = new
    {
        items = new[]
        {
            new
            {
                id = "0193a6f0-2a3b-7c4d-8e5f-6a7b8c9d0e1f", username = "mona", displayName = "Mona Lisa", email = "mona@example.org",
                role = "admin", createdAt = At, mustChangePassword = false,
            },
        },
        page = 1, pageSize = 20, totalCount = 1, totalPages = 1,
    };

    public static readonly object Queue = new
    {
        items = new[]
        {
            new
            {
                projectSlug = "shop-api", runId = RunId, runNumber = 42, jobId = JobId, job = "build", status = "queued", queuedSince = At,
                waitingReason = new { kind = "runner_slot", detail = "waiting for a free runner slot: position 1 in the queue (4 jobs running)", position = 1 },
            },
        },
        total = 1,
    };

    public const string StepLog = "$ dotnet restore\n  Determining projects to restore...\n  Restored /workspace/src/Shop.Api/Shop.Api.csproj (in 1.2 s).\n";

    public const string StepLogEvents =
        "id: 44\nevent: log\ndata: $ dotnet restore\n\nid: 120\nevent: log\ndata:   Restored /workspace/src/Shop.Api/Shop.Api.csproj (in 1.2 s).\n\n"
        + "event: end\ndata: {\"status\":\"success\"}\n\n";

    public const string LiveEvents =
        "id: 1041\nevent: run.queued\ndata: {\"project\":\"shop\",\"runId\":\"0193a8f2-5c1e-7d3a-9f00-3c2b1a4d5e6f\",\"runNumber\":42,"
        + "\"status\":\"pending\",\"from\":null,\"event\":\"push\",\"ref\":\"refs/heads/main\",\"sha\":\"1a2b3c4d5e6f\"}\n\n"
        + ": heartbeat\n\n"
        + "id: 1042\nevent: job.status\ndata: {\"project\":\"shop\",\"runId\":\"0193a8f2-5c1e-7d3a-9f00-3c2b1a4d5e6f\",\"runNumber\":42,"
        + "\"job\":\"build\",\"attempt\":1,\"status\":\"running\",\"from\":\"queued\"}\n\n";

    public static readonly object Login = new { username = "admin", password = "correct horse battery staple" };

    public static readonly object TokenPair = new
    {
        accessToken = "eyJhbGciOiJFUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiIwMTkzYTZmMC0uLi4ifQ.c2lnbmF0dXJl",
        refreshToken = "crt_Vb3kq9XK2mWJ0yR8pLhQ4tZsN6aDfG1c",
        expiresIn = 900,
        tokenType = "Bearer",
    };

    public static readonly object Refresh = new { refreshToken = "crt_Vb3kq9XK2mWJ0yR8pLhQ4tZsN6aDfG1c" };

    public static readonly object CreateToken = new { name = "laptop CLI", expiresInDays = 30, scopes = new[] { "read", "write" } };

    public static readonly object CreatedToken = new
    {
        id = "0193a6f8-0c1d-7a2b-8c3d-4e5f6a7b8c9d", name = "laptop CLI", token = "cpat_7Jm2xQ9vK4bN8wR1tY6uZ3pL5sD0fH2g",
        scopes = new[] { "read", "write" }, createdAt = At, expiresAt = At.AddDays(30),
    };

    public static readonly object GithubPush = new
    {
        @ref = "refs/heads/main", before = "0000000000000000000000000000000000000000", after = Sha,
        repository = new { full_name = "acme/shop-api", clone_url = "https://github.com/acme/shop-api.git", html_url = "https://github.com/acme/shop-api" },
        head_commit = new { id = Sha, message = "Add the order endpoint" },
        pusher = new { name = "octocat" },
    };

    public static readonly object GitlabPush = new
    {
        object_kind = "push", @ref = "refs/heads/main", before = "0000000000000000000000000000000000000000", after = Sha, checkout_sha = Sha,
        project = new { path_with_namespace = "acme/shop-api", git_http_url = "https://gitlab.com/acme/shop-api.git", web_url = "https://gitlab.com/acme/shop-api" },
        commits = new[] { new { id = Sha, message = "Add the order endpoint" } },
        user_username = "alice",
    };

    public static readonly object GiteaPush = new
    {
        @ref = "refs/heads/main", before = "0000000000000000000000000000000000000000", after = Sha,
        repository = new { full_name = "acme/shop-api", clone_url = "https://gitea.example.com/acme/shop-api.git", html_url = "https://gitea.example.com/acme/shop-api" },
        head_commit = new { id = Sha, message = "Add the order endpoint" },
        pusher = new { login = "alice" },
    };

    public static readonly object WebhookAccepted = new
    {
        outcome = "run_created", detail = "run #42 created", deliveryId = "0193a6f5-2d3e-7f40-8b51-6c7d8e9f0a1b", runId = RunId, runNumber = 42,
    };
}
