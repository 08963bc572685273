using System.Diagnostics;
using Comet.Application.Common.Interfaces;
using Comet.Application.Runs.Execution;
using Comet.Infrastructure.Configuration;
using Comet.Infrastructure.Execution;
using Comet.Infrastructure.Logs;
using Comet.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;

namespace Comet.Infrastructure.Tests.Execution;

/// <summary>
/// A real job environment of the given backend (local processes or the bubblewrap sandbox) writing into the real file
/// log store, all under a fresh temp folder: the work folder holds the job's workspace, <c>data/</c> the logs.
/// </summary>
internal sealed class StepHarness : IDisposable
{
    private static readonly IReadOnlyDictionary<string, string> NoVariables = new Dictionary<string, string>();
    private readonly TempDirectory _temp = new("comet-step");

    public StepHarness(RunnerOptions? runner = null, string backend = JobBackendNames.Local, bool network = true)
    {
        Runner = runner ?? new RunnerOptions { KillGracePeriod = TimeSpan.FromMilliseconds(500) };
        Runner.WorkDirectory = Path.Combine(_temp.Path, "work");
        var comet = new CometOptions { DataDir = Path.Combine(_temp.Path, "data") };
        Logs = new FileStepLogStore(Options.Create(comet), Options.Create(Runner));
        var workspaces = new JobWorkspaces(Options.Create(Runner), new FixedNode(), NullLogger<JobWorkspaces>.Instance);
        Backend = backend == JobBackendNames.Local
            ? new LocalBackend(workspaces, NoGit.Instance, new WorkspaceFiles(), Options.Create(Runner), NullLogger<LocalBackend>.Instance)
            : new SandboxBackend(workspaces, NoGit.Instance, new WorkspaceFiles(), Options.Create(Runner), Options.Create(comet),
                NullLogger<SandboxBackend>.Instance);
        JobId = Guid.NewGuid();
        Environment = Backend.SetupAsync(new JobSetup(JobId, Guid.NewGuid(), "0000000000000000000000000000000000000000", network), CancellationToken.None)
            .GetAwaiter().GetResult();
        WorkDir = Path.Combine(workspaces.NodeRoot, JobId.ToString("N"), "workspace");
        Directory.CreateDirectory(WorkDir);
    }

    public RunnerOptions Runner { get; }

    public Guid JobId { get; }

    /// <summary>The workspace as the server sees it (the step sees <see cref="IJobEnvironment.Workspace"/>).</summary>
    public string WorkDir { get; }

    public FileStepLogStore Logs { get; }

    public IJobBackend Backend { get; }

    public IJobEnvironment Environment { get; }

    /// <summary>The temp folder everything lives under (a host path a sandboxed step must not reach).</summary>
    public string Root => _temp.Path;

    public async Task<StepResult> RunAsync(
        string script,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var runId = Guid.NewGuid();
        var clock = Stopwatch.StartNew();
        StepOutcome outcome;
        bool truncated;
        var writer = Logs.OpenWriter(runId, JobId, 0);
        await using (writer)
        {
            outcome = await Environment.RunStepAsync(new StepLaunch(script, environment ?? NoVariables, timeout), writer, cancellationToken);
            truncated = writer.Truncated;
        }
        return new StepResult(outcome, Logs.PathOf(runId, JobId, 0), truncated, clock.Elapsed);
    }

    /// <summary>Reads a pid the step wrote into a file of its working directory, waiting until it is there.</summary>
    public async Task<int> WaitForPidFileAsync(string name)
    {
        var path = Path.Combine(WorkDir, name);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), out var pid)) return pid;
            await Task.Delay(20);
        }
        throw new TimeoutException($"the step did not write {name} within 10 s");
    }

    public void Dispose()
    {
        Environment.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _temp.Dispose();
    }

    private sealed class FixedNode : INodeIdentity
    {
        public string Id => "test-node";
    }

    /// <summary>These tests make their workspace by hand; nothing here checks a commit out.</summary>
    private sealed class NoGit : IGitRepositories
    {
        public static readonly NoGit Instance = new();

        public Task<string> FetchAsync(Guid projectId, string repoUrl, string gitRef, string? sha, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<long?> FileSizeAsync(Guid projectId, string sha, string path, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<string?> ReadFileAsync(Guid projectId, string sha, string path, long maxBytes, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task CheckoutAsync(Guid projectId, string sha, string workspace, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<CommitInfo> ReadCommitAsync(Guid projectId, string sha, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<string>> ChangedPathsAsync(Guid projectId, string sha, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}

internal sealed record StepResult(StepOutcome Outcome, string LogPath, bool Truncated, TimeSpan Elapsed)
{
    /// <summary>The log's lines without their timestamps, split at '\n' only so that a stray '\r' would show.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            var text = File.ReadAllText(LogPath);
            if (text.Length == 0) return [];
            if (!text.EndsWith('\n')) throw new AssertionException("the log's last line has no newline");
            return text[..^1].Split('\n').Select(WithoutTimestamp).ToList();
        }
    }

    public long LogBytes => new FileInfo(LogPath).Length;

    private static string WithoutTimestamp(string line)
    {
        var space = line.IndexOf(' ');
        return space < 0 ? line : line[(space + 1)..];
    }
}
