using System.Collections.Concurrent;
using Comet.Application.Common.Interfaces;

namespace Comet.Application.Tests.Runs;

/// <summary>
/// A job backend that runs nothing: it records what the executor asked of it, in order, and answers as told (a
/// step's exit code by its script, a checkout or set-up failure). The executor's state machine is tested against it.
/// </summary>
internal sealed class RecordingJobBackend : IJobBackend
{
    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>Exit codes by script; a script not named here exits 0.</summary>
    public Dictionary<string, int> ExitCodes { get; } = new();

    public Exception? SetupFailure { get; set; }

    public Exception? CheckoutFailure { get; set; }

    /// <summary>Thrown when the step with this script is asked to run (its environment broke underneath it).</summary>
    public Dictionary<string, Exception> StepFailures { get; } = new();

    /// <summary>Files a step "leaves" in the workspace, by relative path.</summary>
    public ConcurrentDictionary<string, byte[]> Files { get; } = new();

    public string Name => "recording";

    public int RemoveLeftovers() => 0;

    public Task<IJobEnvironment> SetupAsync(JobSetup setup, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"setup {setup.Sha}");
        if (SetupFailure is not null) throw SetupFailure;
        return Task.FromResult<IJobEnvironment>(new Environment(this));
    }

    private sealed class Environment(RecordingJobBackend backend) : IJobEnvironment
    {
        public string Workspace => "/recorded/workspace";

        public string Home => "/recorded/home";

        public string Description => "recording backend: nothing runs";

        public Task CheckoutAsync(CancellationToken cancellationToken)
        {
            backend.Calls.Enqueue("checkout");
            if (backend.CheckoutFailure is not null) throw backend.CheckoutFailure;
            return Task.CompletedTask;
        }

        public async Task<StepOutcome> RunStepAsync(StepLaunch launch, IStepLogWriter log, CancellationToken cancellationToken)
        {
            backend.Calls.Enqueue($"run {launch.Script}");
            if (backend.StepFailures.TryGetValue(launch.Script, out var failure)) throw failure;
            await log.WriteLineAsync($"ran {launch.Script} in {launch.Environment["COMET_WORKSPACE"]}");
            var code = backend.ExitCodes.GetValueOrDefault(launch.Script);
            return new StepOutcome(code, false, false, TimeSpan.FromMilliseconds(1));
        }

        public WorkspaceFileMatch Find(IReadOnlyList<string> globs, int maxFiles = 10_000)
        {
            backend.Calls.Enqueue($"find {string.Join(",", globs)}");
            var files = backend.Files.Keys.Order(StringComparer.Ordinal)
                .Select(path => new WorkspaceFile(path, path, backend.Files[path].Length)).ToList();
            return new WorkspaceFileMatch(files, files.Count == 0 ? globs : [], []);
        }

        public Stream OpenRead(WorkspaceFile file) => new MemoryStream(backend.Files[file.RelativePath], writable: false);

        public Stream? TryCreate(string relativePath, out string? refusal, bool executable = false)
        {
            backend.Calls.Enqueue($"put {relativePath}");
            refusal = null;
            return new MemoryStream();
        }

        public Task<string> PutSecretFileAsync(string name, string content, CancellationToken cancellationToken)
        {
            backend.Calls.Enqueue($"secret file {name}");
            return Task.FromResult($"/recorded/home/.comet-secrets/{name}");
        }

        public ValueTask DisposeAsync()
        {
            backend.Calls.Enqueue("destroy");
            return ValueTask.CompletedTask;
        }
    }
}
