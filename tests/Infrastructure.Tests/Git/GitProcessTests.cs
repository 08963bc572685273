using System.Diagnostics;
using System.Runtime.Versioning;
using Comet.Application.Common.Interfaces;
using Comet.Infrastructure.Git;
using Comet.Infrastructure.Tests.Execution;
using Comet.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Comet.Infrastructure.Tests.Git;

/// <summary>
/// git as the server starts it. A shell alias (<c>-c alias.x=!…</c>) stands in for every program git starts — upload-pack,
/// ssh, a hook — and shows what such a program would get.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class GitProcessTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void CreateFolder() => _temp = new TempDirectory("comet-git-process");

    [TearDown]
    public void DeleteFolder() => _temp.Dispose();

    private static GitProcess Git(TimeSpan timeLimit) => new(timeLimit, NullLogger.Instance);

    [Test, NonParallelizable]
    public async Task Programs_git_starts_see_none_of_the_servers_environment_and_the_servers_git_settings()
    {
        Environment.SetEnvironmentVariable("COMET_TEST_SECRET", "hunter2");
        Environment.SetEnvironmentVariable("ConnectionStrings__Comet", "Host=db;Password=hunter3");
        GitResult result;
        try
        {
            result = await Git(TimeSpan.FromSeconds(30)).RunAsync(null, CancellationToken.None, "-c", "alias.probe=!env", "probe");
        }
        finally
        {
            Environment.SetEnvironmentVariable("COMET_TEST_SECRET", null);
            Environment.SetEnvironmentVariable("ConnectionStrings__Comet", null);
        }

        var environment = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.Error);
            Assert.That(result.Output, Does.Not.Contain("hunter2").And.Not.Contain("hunter3"));
            Assert.That(environment, Does.Contain("GIT_TERMINAL_PROMPT=0").And.Contain("GIT_CONFIG_GLOBAL=/dev/null")
                .And.Contain("GIT_CONFIG_NOSYSTEM=1").And.Contain("LC_ALL=C").And.Contain("GIT_ASKPASS="));
            Assert.That(environment.Where(v => v.StartsWith("PATH=", StringComparison.Ordinal)), Is.Not.Empty);
            Assert.That(environment.Single(v => v.StartsWith("GIT_CONFIG_PARAMETERS=", StringComparison.Ordinal)),
                Does.Contain("'core.hooksPath'='/dev/null'").And.Contain("'protocol.allow'='never'"),
                "git hands the server's settings on to the git processes it starts");
        });
    }

    [Test, NonParallelizable]
    public void A_server_without_git_gets_an_error_that_says_so()
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", _temp.Path);
        try
        {
            var error = Assert.ThrowsAsync<GitException>(() => Git(TimeSpan.FromSeconds(30)).RunAsync(null, CancellationToken.None, "version"));
            Assert.That(error!.Message, Does.Contain("git could not be started; is it installed?"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }

    [Test]
    public async Task Git_over_its_time_limit_is_killed_with_the_programs_it_started()
    {
        var pidFile = Path.Combine(_temp.Path, "pid");
        var clock = Stopwatch.StartNew();

        var error = Assert.ThrowsAsync<GitException>(() => Git(TimeSpan.FromSeconds(1))
            .RunAsync(null, CancellationToken.None, "-c", $"alias.hang=!echo $$ > '{pidFile}'; exec sleep 60", "hang"));

        Assert.Multiple(async () =>
        {
            Assert.That(error!.Message, Does.Contain("did not finish within 1 s"));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));
            var sleeper = int.Parse(await File.ReadAllTextAsync(pidFile));
            Assert.That(await LiveProcesses.StillRunningAfterAsync(TimeSpan.FromSeconds(5), sleeper), Is.Empty,
                "the program git started outlived it");
        });
    }

    [Test]
    public async Task Cancelled_git_is_killed_with_the_programs_it_started_and_reports_the_cancellation()
    {
        var pidFile = Path.Combine(_temp.Path, "pid");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        Assert.CatchAsync<OperationCanceledException>(() => Git(TimeSpan.FromMinutes(5))
            .RunAsync(null, cancel.Token, "-c", $"alias.hang=!echo $$ > '{pidFile}'; exec sleep 60", "hang"));

        var sleeper = int.Parse(await File.ReadAllTextAsync(pidFile));
        Assert.That(await LiveProcesses.StillRunningAfterAsync(TimeSpan.FromSeconds(5), sleeper), Is.Empty);
    }

    [Test, NonParallelizable]
    public async Task A_url_naming_a_remote_helper_is_refused_though_the_helper_is_on_the_path()
    {
        // "cometprobe::…" makes git start git-remote-cometprobe: a URL (or an insteadOf rewrite) must not start programs.
        var marker = Path.Combine(_temp.Path, "helper-ran");
        var helpers = Path.Combine(_temp.Path, "bin");
        ExecutableScript.Write(Path.Combine(helpers, "git-remote-cometprobe"), $"touch '{marker}'");
        var path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", helpers + ":" + path);
        try
        {
            var result = await Git(TimeSpan.FromSeconds(30)).RunAsync(null, CancellationToken.None, "ls-remote", "cometprobe::anything");
            Assert.Multiple(() =>
            {
                Assert.That(result.ExitCode, Is.Not.Zero);
                Assert.That(File.Exists(marker), Is.False, "the server's git started the helper");
            });

            // The helper works: git without the server's settings starts it.
            Assert.That(() => SourceRepository.Existing(_temp.Path).Git("ls-remote", "cometprobe::anything"), Throws.Exception);
            Assert.That(File.Exists(marker), Is.True, "the planted helper is broken, so this test proves nothing");
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }
}
