using Comet.Application.Runs.Execution;
using Comet.Infrastructure.Configuration;
using Comet.Infrastructure.Git;
using Comet.Infrastructure.Tests.Execution;
using Comet.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;

namespace Comet.Infrastructure.Tests.Git;

/// <summary>A source repository and the server's git over a data folder, both fresh in a temp folder for each test.</summary>
public abstract class GitFixture
{
    /// <summary>The largest file the tests let the server read (a pipeline file's default limit, 1 MiB).</summary>
    protected const long MaxFileBytes = 1024 * 1024;

    protected TempDirectory Temp { get; private set; } = null!;
    protected SourceRepository Source { get; private set; } = null!;
    protected GitCli Git { get; private set; } = null!;
    protected Guid Project { get; private set; }

    /// <summary>The project's mirror, for looking at it with the git command line.</summary>
    protected SourceRepository Mirror => SourceRepository.Existing(Git.MirrorPath(Project));

    protected static CancellationToken None => CancellationToken.None;

    [SetUp]
    public void CreateRepositories()
    {
        Temp = new TempDirectory("comet-git");
        Source = new SourceRepository(Path.Combine(Temp.Path, "source"));
        Git = new GitCli(
            Options.Create(new CometOptions { DataDir = Path.Combine(Temp.Path, "data") }),
            Options.Create(new RunnerOptions { GitTimeout = TimeSpan.FromSeconds(30) }),
            NullLogger<GitCli>.Instance);
        Project = Guid.NewGuid();
    }

    [TearDown]
    public void DeleteRepositories() => Temp.Dispose();

    /// <summary>Fetches main and returns its head.</summary>
    protected Task<string> FetchMainAsync() => Git.FetchAsync(Project, Source.Url, "main", null, None);
}
