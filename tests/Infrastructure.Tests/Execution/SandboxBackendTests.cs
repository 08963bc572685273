using Comet.Application.Runs.Execution;
using Comet.TestSupport;

namespace Comet.Infrastructure.Tests.Execution;

/// <summary>
/// What a step sees from inside the real bubblewrap sandbox: its own processes only, its workspace and HOME, a private
/// /tmp, a read-only system, no host folder it was not given, an unprivileged account, and the limits in force.
/// </summary>
public sealed class SandboxBackendTests
{
    private StepHarness _step = null!;

    [SetUp]
    public void CreateHarness() => _step = new StepHarness(backend: JobBackendNames.Sandbox);

    [TearDown]
    public void DeleteHarness() => _step.Dispose();

    [Test]
    public async Task A_step_sees_only_its_own_processes()
    {
        var result = await _step.RunAsync("ls /proc | grep -E '^[0-9]+$' | wc -l; cat /proc/1/cmdline | tr '\\0' ' '; echo");

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.Succeeded, Is.True, string.Join("\n", result.Lines));
            Assert.That(int.Parse(result.Lines[0]), Is.LessThan(8), "bwrap's init, the shell and its pipeline");
            Assert.That(result.Lines[1], Does.StartWith("bwrap"), "pid 1 is the sandbox's own init, not the host's");
        });
    }

    [Test]
    public async Task A_step_runs_as_the_unprivileged_sandbox_account()
    {
        Assume.That(Environment.UserName, Is.EqualTo("root"), "only a server running as root switches accounts");

        var result = await _step.RunAsync("id -un; id -u; cat /etc/shadow 2>&1 || echo refused");

        Assert.That(result.Lines[0], Is.EqualTo("comet-runner"));
        Assert.That(result.Lines[1], Is.Not.EqualTo("0"));
        Assert.That(result.Lines, Has.Some.Contains("Permission denied"));
        Assert.That(result.Lines[^1], Is.EqualTo("refused"));
    }

    [Test]
    public async Task A_host_folder_the_step_was_not_given_does_not_exist_for_it()
    {
        var secret = Path.Combine(_step.Root, "secret.txt");
        await File.WriteAllTextAsync(secret, "server secret");

        var result = await _step.RunAsync($"cat '{secret}' 2>&1 || echo unreadable; for d in /root /var /srv /work /opt; do test -e $d && echo \"$d is there\"; done; echo done");

        Assert.Multiple(() =>
        {
            Assert.That(result.Lines, Has.None.Contains("server secret"));
            Assert.That(result.Lines, Has.Some.EqualTo("unreadable"));
            Assert.That(result.Lines, Has.None.Contains("is there"));
            Assert.That(result.Lines[^1], Is.EqualTo("done"));
        });
    }

    [Test]
    public async Task The_system_is_read_only_and_only_the_workspace_home_and_a_private_tmp_are_writable()
    {
        var result = await _step.RunAsync("""
            for path in /usr/comet-probe /etc/comet-probe /comet-probe /workspace/w /home/comet/h /tmp/t; do
              if { echo x > "$path"; } 2>/dev/null; then echo "writable $path"; else echo "read-only $path"; fi
            done
            """);

        Assert.That(result.Lines, Is.EqualTo(new[]
        {
            "read-only /usr/comet-probe", "read-only /etc/comet-probe", "read-only /comet-probe",
            "writable /workspace/w", "writable /home/comet/h", "writable /tmp/t",
        }));
        Assert.That(File.Exists(Path.Combine(_step.WorkDir, "w")), Is.True, "the workspace is the job's folder on the host");
        Assert.That(File.Exists("/tmp/t") && File.ReadAllText("/tmp/t") == "x\n", Is.False, "the step's /tmp is its own");
    }

    [Test]
    public async Task The_rlimits_in_force_are_the_configured_ones()
    {
        var result = await _step.RunAsync("ulimit -v; ulimit -u");

        Assert.That(result.Lines, Is.EqualTo(new[]
        {
            (_step.Runner.JobMemoryBytes / 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _step.Runner.SandboxMaxProcesses.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
    }

    [Test]
    public async Task Without_network_a_step_has_only_loopback()
    {
        using var offline = new StepHarness(backend: JobBackendNames.Sandbox, network: false);

        var result = await offline.RunAsync("tail -n +3 /proc/net/dev | awk -F: '{print $1}' | tr -d ' ' | sort | tr '\\n' ' '");

        Assert.That(result.Lines[^1].Trim(), Is.EqualTo("lo"), string.Join("\n", result.Lines));
        Assert.That(offline.Environment.Description, Does.Contain("network off"));
    }

    [Test]
    public async Task A_cancelled_step_leaves_no_process_of_its_sandbox_behind()
    {
        var marker = $"comet-sandbox-{Guid.NewGuid():N}";
        using var cancel = new CancellationTokenSource();
        var running = _step.RunAsync($"(trap '' TERM; exec -a {marker} sleep 300) & setsid bash -c 'exec -a {marker} sleep 300' & wait",
            cancellationToken: cancel.Token);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (HostProcesses.WithArgumentZero(marker).Count < 2 && clock.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
        Assert.That(HostProcesses.WithArgumentZero(marker), Has.Count.EqualTo(2), "both sleeps started");

        await cancel.CancelAsync();
        var result = await running;

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.Cancelled, Is.True);
            Assert.That(HostProcesses.WithArgumentZero(marker), Is.Empty, "the one that ignored SIGTERM and the one in its own session are gone");
        });
    }

    [Test]
    public void The_log_header_names_the_backend_the_account_and_the_limits()
    {
        Assert.That(_step.Environment.Description, Does.StartWith("sandbox backend (bubblewrap)")
            .And.Contain("network on").And.Contain("rlimits").And.Contain("cgroup v2 is not used"));
    }
}
