using System.Diagnostics;
using System.Net;
using System.Text;
using Comet.Orchestrator.Tests.Pipelines;
using Comet.Orchestrator.Tests.Testing;
using Comet.TestSupport;

namespace Comet.Orchestrator.Tests.Security;

/// <summary>
/// Pipeline code is untrusted: each test here is an attacker's .comet.yml, run under the default backend (the
/// bubblewrap sandbox), that tries to reach something of the server's or of another project's and prints what it got.
/// Every test asserts both that the attack got nothing and that the probe really ran (it printed its first and last
/// lines), so none can pass because the step never started. The server side is checked from the host as well: the
/// files a step tried to write are not there, the hook a step tried to plant never fired.
/// </summary>
public sealed class HostilePipelineTests : PipelineTestBase
{
    /// <summary>
    /// Opens every probe: errors no longer end the script (each attempt is reported instead), and <c>attempt LABEL
    /// command…</c> prints "GOT LABEL: output" when the command succeeded and "DENIED LABEL: error" when it did not.
    /// </summary>
    private const string Prelude = """
        set +e +o pipefail
        echo "probe ran as $(id -un) (uid $(id -u)) in $PWD"
        attempt() {
          label="$1"; shift
          if out="$("$@" 2>&1)"; then printf 'GOT %s: %s\n' "$label" "$out"; else printf 'DENIED %s: %s\n' "$label" "$out"; fi
        }
        """;

    private const string Finished = "probe finished";

    [Test]
    public async Task A_step_cannot_read_the_jwt_signing_key_by_path_by_climbing_out_of_its_workspace_by_search_or_as_an_artifact()
    {
        var key = SigningKeyFile();
        var keyBody = KeyBodyLines(key);
        var (_, project) = await ProjectWithAsync(Probe("""
            attempt key-absolute cat "$KEY"
            attempt keys-folder ls -la "$DATA_DIR/keys"
            attempt data-folder ls -la "$DATA_DIR"
            for depth in 1 2 3 4 5 6 7 8; do
              up="$(printf '../%.0s' $(seq $depth))"
              attempt "key-walk-$depth" cat "$COMET_WORKSPACE/$up${KEY#/}"
              attempt "home-walk-$depth" cat "$HOME/$up${KEY#/}"
            done
            find / \( -name '*.pem' -o -name 'comet.db' -o -name 'signing-*' -o -name 'keys' \) 2>/dev/null > /tmp/found
            echo "searched: $(wc -l < /tmp/found) names"
            sed 's/^/FOUND /' /tmp/found
            while read -r found; do
              if grep -qs 'PRIVATE KEY' "$found"; then echo "READABLE PRIVATE KEY $found"; fi
            done < /tmp/found
            mkdir -p leak
            ln -s "$KEY" leak/absolute.pem
            ln -s "$(printf '../%.0s' 1 2 3 4 5 6 7 8 9 10)${KEY#/}" leak/climb.pem
            ln -s "$DATA_DIR/keys" leak/keys
            """ + "\n", extras: """
                artifacts: ["leak/**"]
            """));

        var (run, lines) = await RunProbeAsync(project.Slug, new() { ["KEY"] = key, ["DATA_DIR"] = Factory.DataDir });

        var log = string.Join("\n", lines);
        Assert.Multiple(() =>
        {
            AssertDenied(lines, "key-absolute", "keys-folder", "data-folder");
            for (var depth = 1; depth <= 8; depth++) AssertDenied(lines, $"key-walk-{depth}", $"home-walk-{depth}");
            Assert.That(lines, Has.Some.Match(@"^searched: \d+ names$"), "the search over the whole visible filesystem ran");
            Assert.That(lines.Where(l => l.StartsWith("FOUND ", StringComparison.Ordinal)),
                Has.None.Contain(Path.GetFileName(key)).And.None.Contain("comet.db").And.None.Contain(Factory.DataDir),
                "the search found a file of the data folder");
            Assert.That(lines.Where(l => l.StartsWith("READABLE PRIVATE KEY", StringComparison.Ordinal)), Has.None.Contain(Path.GetFileName(key)));
            foreach (var keyLine in keyBody)
                Assert.That(log, Does.Not.Contain(keyLine), "a line of the signing key reached the step's log");
        });

        var artifacts = await Client.ListArtifactsAsync(run.Id);
        foreach (var artifact in artifacts)
        {
            var content = Encoding.UTF8.GetString(await Client.DownloadAsync(run.Id, artifact));
            Assert.That(content, Does.Not.Contain("PRIVATE KEY"), $"artifact {TestingApi.Describe(artifact)} holds a private key");
        }
        Assert.That(artifacts, Is.Empty, "links out of the workspace are never stored as artifacts");
        var warnings = await Client.JobWarningsAsync(run.Id, "probe");
        Assert.That(warnings, Has.Some.Contains("leak/absolute.pem").And.Some.Contains("leak/climb.pem"),
            "the refused links are named in the job's warnings");
    }

    [Test]
    public async Task A_step_cannot_read_the_database_another_projects_mirror_or_another_runs_step_log()
    {
        var otherSecret = "other-project-secret-" + Guid.NewGuid().ToString("N");
        var (otherRepository, other) = await ProjectWithAsync($$"""
            jobs:
              build:
                steps:
                  - run: echo "{{otherSecret}}"
            """, files: new Dictionary<string, string> { ["secret.txt"] = otherSecret + "\n" });
        var otherRun = await Client.TriggerAndWaitAsync(other.Slug);
        Assert.That(otherRun.Status, Is.EqualTo("success"), otherRun.ToString());
        var otherMirror = MirrorPath(await ProjectIdAsync(other.Slug));
        var otherJob = otherRun.Job("build");
        var otherLog = Path.Combine(Factory.DataDir, "runs", otherRun.Id.ToString("N"), otherJob.Id.ToString("N"), "0.log");
        var database = Path.Combine(Factory.DataDir, "comet.db");
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(otherLog), Does.Contain(otherSecret), "the other run's log is where the probe will look");
            Assert.That(Directory.Exists(Path.Combine(otherMirror, "objects")), Is.True, "the other project's mirror exists");
            Assert.That(File.Exists(database), Is.True);
        });

        var (_, project) = await ProjectWithAsync(Probe("""
            attempt db head -c 15 "$DB"
            attempt db-wal head -c 15 "$DB-wal"
            attempt db-folder ls -la "$(dirname "$DB")"
            attempt mirror-folder ls -la "$MIRROR"
            attempt mirror-config cat "$MIRROR/config"
            attempt mirror-log git --git-dir="$MIRROR" log --all --format='%H %s'
            attempt mirror-file git --git-dir="$MIRROR" show HEAD:secret.txt
            attempt mirror-objects find "$MIRROR/objects" -type f
            attempt other-log cat "$OTHER_LOG"
            attempt other-run-folder ls -laR "$(dirname "$(dirname "$OTHER_LOG")")"
            for depth in 2 4 6 8; do
              up="$(printf '../%.0s' $(seq $depth))"
              attempt "db-walk-$depth" head -c 15 "$COMET_WORKSPACE/$up${DB#/}"
              attempt "log-walk-$depth" cat "$COMET_WORKSPACE/$up${OTHER_LOG#/}"
            done
            for fd in /proc/self/fd/* /proc/1/fd/*; do
              echo "FD $fd -> $(readlink "$fd")"
            done
            for fd in /proc/1/fd/*; do
              case "${fd##*/}" in 0|1|2) continue ;; esac
              attempt "inherited-fd-${fd##*/}" timeout 2 head -c 15 "$fd"
            done
            """ + "\n"));

        var (_, lines) = await RunProbeAsync(project.Slug, new()
        {
            ["DB"] = database,
            ["MIRROR"] = otherMirror,
            ["OTHER_LOG"] = otherLog,
        });

        var log = string.Join("\n", lines);
        Assert.Multiple(() =>
        {
            AssertDenied(lines, "db", "db-wal", "db-folder", "mirror-folder", "mirror-config", "mirror-log", "mirror-file", "mirror-objects",
                "other-log", "other-run-folder");
            foreach (var depth in new[] { 2, 4, 6, 8 }) AssertDenied(lines, $"db-walk-{depth}", $"log-walk-{depth}");
            Assert.That(lines, Has.Some.StartsWith("FD /proc/self/fd/"), "the probe listed its open files");
            Assert.That(lines.Where(l => l.StartsWith("FD ", StringComparison.Ordinal)), Has.None.Contain(Factory.DataDir),
                "a file of the data folder was open in the sandbox");
            Assert.That(log, Does.Not.Contain("SQLite format 3"), "the database's header reached the step");
            Assert.That(log, Does.Not.Contain(otherSecret), "the other project's log or source reached the step");
            Assert.That(log, Does.Not.Contain(otherRun.CommitSha!), "the other project's history reached the step");
            Assert.That(log, Does.Not.Contain(otherRepository.Path), "the other project's mirror configuration reached the step");
        });
    }

    [Test]
    public async Task A_step_sees_neither_the_servers_environment_nor_its_processes()
    {
        var canary = "canary-" + Guid.NewGuid().ToString("N");
        var canaryName = "comet-canary-" + Guid.NewGuid().ToString("N")[..12];
        // The orchestrator runs in this test process: a variable set here is what its child processes would inherit.
        Environment.SetEnvironmentVariable("COMET_TEST_CANARY", canary);
        // .NET keeps variables set at run time to itself, so a process of the host whose environ really holds the
        // canary stands beside it: a server process the sandbox must not see.
        using var host = StartCanaryProcess(canaryName, canary);
        try
        {
            var hostEnviron = await ReadEnvironAsync(host.Id);
            Assert.That(hostEnviron, Does.Contain($"COMET_TEST_CANARY={canary}"), "the host process to be looked for holds the canary");
            var serverEnviron = (await ReadEnvironAsync(Environment.ProcessId)).Where(e => !e.StartsWith("_=", StringComparison.Ordinal)).ToList();

            var (_, project) = await ProjectWithAsync(Probe("""
                env | sed 's/^/OWN /'
                attempt ppid-environ sh -c 'tr "\0" "\n" < "/proc/$1/environ"' _ "$PPID"
                attempt init-environ sh -c 'tr "\0" "\n" < /proc/1/environ'
                for f in /proc/[0-9]*/environ; do
                  pid="${f#/proc/}"; pid="${pid%/environ}"
                  tr '\0' '\n' < "$f" 2>/dev/null | sed "s/^/ENV $pid /"
                done
                for f in /proc/[0-9]*/cmdline; do
                  pid="${f#/proc/}"; pid="${pid%/cmdline}"
                  echo "CMD $pid $(tr '\0\n' '  ' < "$f" 2>/dev/null | cut -c1-120)"
                done
                # The brackets keep the patterns from matching this script's own command line.
                grep -sl 'Bootstrap[A]dmin\|COMET_BOOTSTRAP_[A]DMIN\|COMET_TEST_[C]ANARY\|test-admin-[p]assword' /proc/[0-9]*/environ /proc/[0-9]*/cmdline \
                  | sed 's/^/GOT bootstrap-or-canary in /'
                echo "PS-START"
                ps aux
                echo "PS-END"
                """ + "\n"));

            var (_, lines) = await RunProbeAsync(project.Slug, []);

            var log = string.Join("\n", lines);
            var own = lines.Where(l => l.StartsWith("OWN ", StringComparison.Ordinal)).Select(l => l[4..]).ToHashSet(StringComparer.Ordinal);
            var seen = lines.Where(l => l.StartsWith("ENV ", StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf(' ', 4) + 1)..])
                .Where(entry => !entry.StartsWith("_=", StringComparison.Ordinal))
                .ToList();
            var ps = lines.SkipWhile(l => l != "PS-START").Skip(1).TakeWhile(l => l != "PS-END").ToList();
            var processes = ps.Skip(1).ToList();
            Assert.Multiple(() =>
            {
                Assert.That(own, Has.Some.StartsWith("COMET_WORKSPACE="), "the probe listed its own environment");
                Assert.That(lines, Has.Some.StartsWith("ENV 1 "), "the probe read the environment of pid 1 of its namespace");
                Assert.That(seen.Except(own), Is.Empty, "a process the step can see has variables the step was not given");
                Assert.That(serverEnviron.Where(e => !own.Contains(e) && seen.Contains(e)), Is.Empty, "the server's own environment reached the step");
                Assert.That(own.Where(e => e.StartsWith("COMET_TEST_CANARY", StringComparison.Ordinal)), Is.Empty,
                    "the step inherited a variable of the server process");
                Assert.That(log, Does.Not.Contain(canary), "the canary in the host's environment reached the step");
                Assert.That(log, Does.Not.Contain(OrchestratorFactory.AdminPassword), "the bootstrap admin's password reached the step");
                Assert.That(lines, Has.None.StartsWith("GOT bootstrap-or-canary"));

                Assert.That(ps, Has.Some.StartsWith("USER"), "ps ran");
                Assert.That(processes, Has.Some.Contain("ps aux"), "ps shows itself");
                Assert.That(processes, Has.Count.InRange(2, 6), "only the step's own handful of processes:\n" + string.Join("\n", ps));
                Assert.That(processes, Has.None.Contain("dotnet").And.None.Contain("testhost").And.None.Contain(canaryName)
                    .And.None.Contain("Comet.").And.None.Contain("nunit"), "a server process is visible");
                Assert.That(lines.Where(l => l.StartsWith("CMD ", StringComparison.Ordinal)), Has.None.Contain("dotnet").And.None.Contain(canaryName));
            });
        }
        finally
        {
            Environment.SetEnvironmentVariable("COMET_TEST_CANARY", null);
            host.Kill();
            await host.WaitForExitAsync();
        }
    }

    [Test]
    public async Task A_step_cannot_read_etc_shadow()
    {
        Assert.That(File.ReadAllText("/etc/shadow"), Does.Contain("root:"), "the host has a shadow file to look for");
        var (_, project) = await ProjectWithAsync(Probe("""
            attempt shadow cat /etc/shadow
            attempt gshadow cat /etc/gshadow
            attempt sudo sudo -n cat /etc/shadow
            attempt su su -c 'cat /etc/shadow' root
            """ + "\n"));

        var (_, lines) = await RunProbeAsync(project.Slug, []);

        Assert.Multiple(() =>
        {
            AssertDenied(lines, "shadow", "gshadow", "sudo", "su");
            Assert.That(lines, Has.None.Match(@"^(GOT [a-z]+: )?root:[^:]*:\d*:"), "a line of /etc/shadow reached the step");
            Assert.That(lines, Has.Some.StartsWith("probe ran as comet-runner"), "the step runs as the unprivileged sandbox account");
        });
    }

    [Test]
    public async Task A_hook_a_step_tries_to_plant_in_its_own_or_another_projects_mirror_never_runs()
    {
        using var witness = new TempDirectory("comet-hook-witness");
        var marker = Path.Combine(witness.Path, "hook-ran");
        var (otherRepository, other) = await ProjectWithAsync("jobs:\n  build:\n    steps:\n      - run: echo other\n");
        Assert.That((await Client.TriggerAndWaitAsync(other.Slug)).Status, Is.EqualTo("success"));
        var otherMirror = MirrorPath(await ProjectIdAsync(other.Slug));
        var (repository, project) = await ProjectWithAsync(Probe("""
            # A workspace is a copy: it names no mirror (no alternates); try the path a shared clone would name anyway.
            alternate="$(cat .git/objects/info/alternates 2>/dev/null || echo "$OWN_MIRROR/objects")"
            test -e .git/objects/info/alternates && echo "the workspace borrows objects from $alternate"
            for mirror in "$OWN_MIRROR" "$OTHER_MIRROR" "$(dirname "$alternate")"; do
              for hook in reference-transaction post-checkout; do
                attempt "hook $hook in $mirror" sh -c 'printf "#!/bin/sh\ntouch \"%s\"\n" "$1" > "$2/hooks/$3" && chmod +x "$2/hooks/$3"' _ "$MARKER" "$mirror" "$hook"
              done
              attempt "hooks-path in $mirror" git config --file "$mirror/config" core.hooksPath /workspace/.githooks
            done
            """ + "\n"));
        var ownMirror = MirrorPath(await ProjectIdAsync(project.Slug));

        var (_, lines) = await RunProbeAsync(project.Slug, new()
        {
            ["OWN_MIRROR"] = ownMirror,
            ["OTHER_MIRROR"] = otherMirror,
            ["MARKER"] = marker,
        });

        // New commits, so the next runs make Comet fetch into both mirrors and check out from them.
        repository.Commit(new Dictionary<string, string> { ["next.txt"] = "next\n" }, "Next commit");
        otherRepository.Commit(new Dictionary<string, string> { ["next.txt"] = "next\n" }, "Next commit");
        var again = await Client.TriggerAndWaitAsync(project.Slug, new Dictionary<string, string>
        {
            ["OWN_MIRROR"] = ownMirror, ["OTHER_MIRROR"] = otherMirror, ["MARKER"] = marker,
        });
        var otherAgain = await Client.TriggerAndWaitAsync(other.Slug);

        Assert.Multiple(() =>
        {
            Assert.That(lines.Where(l => l.StartsWith("GOT hook", StringComparison.Ordinal) || l.StartsWith("GOT hooks-path", StringComparison.Ordinal)),
                Is.Empty, "a step wrote into a mirror");
            Assert.That(lines.Count(l => l.StartsWith("DENIED hook", StringComparison.Ordinal)), Is.EqualTo(9), "every write was tried");
            Assert.That(again.CommitSha, Is.EqualTo(repository.HeadSha), "the second run fetched the new commit into the project's mirror");
            Assert.That(otherAgain.Status, Is.EqualTo("success"), otherAgain.ToString());
            Assert.That(File.Exists(marker), Is.False, "a hook planted by a step ran on the server");
            Assert.That(lines, Has.None.Contains("borrows objects"), "the workspace is a copy that names no mirror");
            foreach (var mirror in new[] { ownMirror, otherMirror })
            {
                Assert.That(File.Exists(Path.Combine(mirror, "hooks", "reference-transaction")), Is.False, mirror);
                Assert.That(File.Exists(Path.Combine(mirror, "hooks", "post-checkout")), Is.False, mirror);
                Assert.That(File.ReadAllText(Path.Combine(mirror, "config")), Does.Not.Contain("hooksPath"), mirror);
            }
        });
    }

    [Test]
    public async Task A_step_cannot_write_into_the_data_folder_the_hosts_tmp_usr_or_the_root_of_its_sandbox()
    {
        using var hostTemp = new TempDirectory("comet-host-tmp");
        var tag = Guid.NewGuid().ToString("N")[..12];
        var (_, project) = await ProjectWithAsync(Probe("""
            attempt data-dir sh -c 'echo pwned > "$DATA_DIR/pwned-$TAG"'
            attempt data-dir-made sh -c 'mkdir -p "$DATA_DIR/keys" && echo pwned > "$DATA_DIR/keys/signing-$TAG.pem" && echo pwned > "$DATA_DIR/pwned-$TAG"'
            attempt host-tmp sh -c 'echo escaped > "$HOST_TMP/escaped-$TAG"'
            attempt host-tmp-walk sh -c 'echo escaped > "$COMET_WORKSPACE/../../../../../../../..$HOST_TMP/walked-$TAG"'
            attempt host-tmp-made sh -c 'mkdir -p "$HOST_TMP" && echo escaped > "$HOST_TMP/escaped-$TAG"'
            attempt usr sh -c 'echo pwned > "/usr/pwned-$TAG"'
            attempt usr-local-bin sh -c 'echo pwned > "/usr/local/bin/pwned-$TAG"'
            attempt etc sh -c 'echo pwned > "/etc/pwned-$TAG"'
            attempt root sh -c 'echo pwned > "/pwned-$TAG"'
            attempt workspace-parent sh -c 'echo pwned > "$COMET_WORKSPACE/../pwned-$TAG"'
            attempt var-tmp sh -c 'mkdir -p /var/tmp && echo pwned > "/var/tmp/pwned-$TAG"'
            attempt own-workspace sh -c 'echo mine > "$COMET_WORKSPACE/mine-$TAG" && cat "$COMET_WORKSPACE/mine-$TAG"'
            """ + "\n"));

        var (_, lines) = await RunProbeAsync(project.Slug, new()
        {
            ["DATA_DIR"] = Factory.DataDir,
            ["HOST_TMP"] = hostTemp.Path,
            ["TAG"] = tag,
        });

        Assert.Multiple(() =>
        {
            AssertDenied(lines, "data-dir", "host-tmp", "host-tmp-walk", "usr", "usr-local-bin", "etc", "root", "workspace-parent", "var-tmp");
            Assert.That(lines, Has.Some.StartsWith("GOT own-workspace: mine"), "the step can write its own workspace");
            foreach (var path in new[]
            {
                Path.Combine(Factory.DataDir, $"pwned-{tag}"),
                Path.Combine(Factory.DataDir, "keys", $"signing-{tag}.pem"),
                Path.Combine(hostTemp.Path, $"escaped-{tag}"),
                Path.Combine(hostTemp.Path, $"walked-{tag}"),
                $"/usr/pwned-{tag}",
                $"/usr/local/bin/pwned-{tag}",
                $"/etc/pwned-{tag}",
                $"/pwned-{tag}",
                $"/var/tmp/pwned-{tag}",
            })
                Assert.That(File.Exists(path), Is.False, $"a step wrote {path} on the host");
            Assert.That(Directory.GetFiles(Factory.DataDir, $"*{tag}*", SearchOption.AllDirectories), Is.Empty, "a step wrote into the data folder");
        });
    }

    [Test]
    public async Task A_step_that_kills_every_process_it_can_leaves_the_server_and_another_projects_job_running()
    {
        var (_, victim) = await ProjectWithAsync("""
            jobs:
              victim:
                steps:
                  - run: |
                      echo "victim started"
                      sleep 8
                      echo "victim survived"
            """);
        var victimRun = await Client.TriggerAsync(victim.Slug);
        await WaitForLogLineAsync(victimRun.Id, "victim", "victim started");

        var (_, project) = await ProjectWithAsync(Probe("""
            # Patterns and labels never spell what they look for: pkill -f would match this script's own command line.
            echo "killing now"
            attempt kill-server kill -9 "$SERVER_PID"
            attempt term-server kill -TERM "$SERVER_PID"
            attempt pkill-runtime pkill -9 -f 'dot[n]et'
            attempt pkill-test-host pkill -9 -f 'test[h]ost'
            attempt pkill-victim pkill -9 -f 'victim [s]tarted'
            attempt term-ppid kill -TERM "$PPID"
            # In the step's own shell: from a subshell, kill -1 would end this shell too and the probe with it.
            kill -9 -1
            echo "after kill -9 -1 (exit $?)"
            """ + "\n"));

        var (run, lines) = await RunProbeAsync(project.Slug, new() { ["SERVER_PID"] = Environment.ProcessId.ToString() });

        var victimEnd = await Client.WaitForEndAsync(victimRun.Id);
        var victimLines = PipelineApi.LogLines(await Client.ReadLogAsync(victimEnd, victimEnd.Job("victim")));
        using var live = await Client.GetAsync("/health/live");
        var (_, after) = await ProjectWithAsync("jobs:\n  after:\n    steps:\n      - run: echo still working\n");
        var afterRun = await Client.TriggerAndWaitAsync(after.Slug);
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.Some.EqualTo("killing now"));
            AssertDenied(lines, "kill-server", "term-server", "pkill-runtime", "pkill-test-host", "pkill-victim");
            Assert.That(run.HasEnded, Is.True);
            Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the orchestrator still answers");
            Assert.That(victimEnd.Status, Is.EqualTo("success"), victimEnd.ToString());
            Assert.That(victimLines, Does.Contain("victim survived"), "another project's job, run by the same account, was killed");
            Assert.That(afterRun.Status, Is.EqualTo("success"), $"the orchestrator still runs jobs: {afterRun}");
        });
    }

    [Test]
    public async Task A_benign_pipeline_with_needs_a_matrix_junit_reports_and_artifacts_passes_in_the_sandbox()
    {
        var (repository, project) = await ProjectWithAsync("""
            jobs:
              build:
                steps:
                  - run: |
                      mkdir -p dist
                      echo "app built at $COMET_COMMIT_SHA" > dist/app.txt
                artifacts: ["dist/**"]
              lint:
                steps:
                  - run: echo "lint clean"
              test:
                needs: [build]
                matrix:
                  SUITE: [unit, integration]
                steps:
                  - run: |
                      echo "testing $(cat dist/app.txt)"
                      mkdir -p reports
                      cat > "reports/junit-$SUITE.xml" <<EOF
                      <?xml version="1.0" encoding="UTF-8"?>
                      <testsuite name="$SUITE" tests="3" failures="0" errors="0" skipped="1">
                        <testcase classname="app.$SUITE" name="adds" time="0.01"/>
                        <testcase classname="app.$SUITE" name="subtracts" time="0.02"/>
                        <testcase classname="app.$SUITE" name="divides"><skipped message="later"/></testcase>
                      </testsuite>
                      EOF
                reports:
                  junit: ["reports/*.xml"]
              package:
                needs: [build, test, lint]
                steps:
                  - run: echo "packaging $(cat dist/app.txt)"
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var built = $"app built at {repository.HeadSha}";
        foreach (var suite in new[] { "unit", "integration" })
        {
            var leg = run.Job($"test [SUITE={suite}]");
            var raw = await Client.ReadLogAsync(run, leg);
            Assert.That(raw, Does.Contain("[comet] sandbox backend (bubblewrap)"), "the default backend ran the job");
            Assert.That(PipelineApi.LogLines(raw), Does.Contain($"testing {built}"), $"{leg.Name} got the build's artifact");
            Assert.That(leg.StartedAt, Is.GreaterThanOrEqualTo(run.Job("build").FinishedAt!.Value), $"{leg.Name} started before build finished");
        }
        var package = run.Job("package");
        Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(run, package)), Does.Contain($"packaging {built}"));
        Assert.That(package.StartedAt, Is.GreaterThanOrEqualTo(run.Attempts("test [SUITE=unit]").Concat(run.Attempts("test [SUITE=integration]"))
            .Max(j => j.FinishedAt!.Value)), "package started before the test legs finished");
        var totals = (await Client.RunTestsAsync(run.Id)).GetProperty("totals");
        Assert.That((totals.Int("tests"), totals.Int("passed"), totals.Int("failed"), totals.Int("skipped")), Is.EqualTo((6, 4, 0, 2)),
            totals.ToString());
    }

    [Test]
    public async Task A_step_in_the_sandbox_can_read_its_checkouts_history_with_git()
    {
        var (repository, project) = await ProjectWithAsync("""
            jobs:
              describe:
                steps:
                  - run: |
                      git log -1 --format='head %H %s'
                      git status --porcelain | wc -l | sed 's/^/changed files: /'
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        var lines = PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("describe")));
        Assert.That(run.Status, Is.EqualTo("success"), $"{run}\n{string.Join("\n", lines)}");
        Assert.That(lines, Is.SupersetOf(new[] { $"head {repository.HeadSha} First commit", "changed files: 0" }));
    }

    [Test]
    public async Task A_job_with_network_none_reaches_no_service_on_the_hosts_loopback_and_one_without_it_does()
    {
        // A service on the host's loopback, as the orchestrator's API or a local database would be.
        using var service = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        service.Start();
        var port = ((System.Net.IPEndPoint)service.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        const string Connect = "attempt loopback bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT && echo connected'\n";
        var (_, offline) = await ProjectWithAsync(Probe(Connect, "    network: none\n"));
        var (_, online) = await ProjectWithAsync(Probe(Connect));

        var (offlineRun, offlineLines) = await RunProbeAsync(offline.Slug, new() { ["PORT"] = port });
        var (_, onlineLines) = await RunProbeAsync(online.Slug, new() { ["PORT"] = port });

        Assert.Multiple(() =>
        {
            AssertDenied(offlineLines, "loopback");
            Assert.That(onlineLines, Has.Some.StartsWith("GOT loopback: connected"), "the control: with the network on, the host's loopback answers");
        });
        var raw = await Client.ReadLogAsync(offlineRun, offlineRun.Job("probe"));
        Assert.That(raw, Does.Contain("network off"), "the job's log header says the network was off");
    }

    [Test]
    public async Task A_step_holds_no_file_descriptor_of_the_servers_beyond_its_own_output()
    {
        var (_, project) = await ProjectWithAsync(Probe("""
            echo "descriptors of the step's shell:"
            ls -1 /proc/$$/fd
            """ + "\n"));

        var (_, lines) = await RunProbeAsync(project.Slug, []);

        // Listed by a child (ls), so that listing opens nothing in the shell whose descriptors are listed.
        var listed = lines.SkipWhile(l => l != "descriptors of the step's shell:").Skip(1).TakeWhile(l => l != Finished).ToList();
        Assert.That(listed, Is.EqualTo(new[] { "0", "1", "2" }), "stdin, stdout and stderr only: nothing the server inherited or opened");
    }

    /// <summary>A pipeline of one job, <c>probe</c>, whose one step is the prelude, <paramref name="script"/> and the closing line.</summary>
    private static string Probe(string script, string extras = "")
    {
        var body = Prelude + "\n" + script + $"echo \"{Finished}\"\n";
        var indented = string.Join("\n", body.Split('\n').Select(line => line.Length == 0 ? "" : "          " + line));
        return "jobs:\n  probe:\n    steps:\n      - run: |\n" + indented + "\n" + extras + (extras.EndsWith('\n') || extras.Length == 0 ? "" : "\n");
    }

    /// <summary>
    /// Runs the probe and returns its step's lines, after checking that the sandbox ran it and that it got to the end.
    /// The step's own status is not asserted: a probe may fail (or be killed) and the attack still have got nothing.
    /// </summary>
    private async Task<(RunView Run, List<string> Lines)> RunProbeAsync(string slug, Dictionary<string, string> variables)
    {
        var run = await Client.TriggerAndWaitAsync(slug, variables);
        var job = run.Job("probe");
        var raw = await Client.ReadLogAsync(run, job);
        var lines = PipelineApi.LogLines(raw);
        TestContext.Out.WriteLine($"{run}\n{string.Join("\n", lines)}");
        Assert.Multiple(() =>
        {
            Assert.That(raw, Does.Contain("[comet] sandbox backend (bubblewrap): user 'comet-runner'"), "the default backend is the sandbox");
            Assert.That(lines, Has.Some.StartsWith("probe ran as "), $"the probe never started: {run}");
            Assert.That(lines, Does.Contain(Finished), $"the probe did not get to its end: {run}");
        });
        return (run, lines);
    }

    private static void AssertDenied(IReadOnlyList<string> lines, params string[] labels)
    {
        foreach (var label in labels)
        {
            Assert.That(lines, Has.None.StartsWith($"GOT {label}:"), $"the attack '{label}' succeeded");
            Assert.That(lines, Has.Some.StartsWith($"DENIED {label}:"), $"the attack '{label}' was not tried");
        }
    }

    private async Task WaitForLogLineAsync(Guid runId, string jobName, string line)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < PipelineApi.RunTimeout)
        {
            var run = await Client.GetRunAsync(runId);
            var job = run.Jobs.FirstOrDefault(j => j.Name == jobName);
            if (job is { Status: "running" } && job.Steps.FirstOrDefault()?.Status == "running"
                && PipelineApi.LogLines(await Client.ReadLogAsync(run, job)).Contains(line))
                return;
            if (run.HasEnded) Assert.Fail($"the run ended before '{line}' was logged: {run}");
            await Task.Delay(100);
        }
        Assert.Fail($"'{line}' was not logged within {PipelineApi.RunTimeout.TotalSeconds:0} s");
    }

    private string SigningKeyFile()
    {
        var keys = Directory.GetFiles(Path.Combine(Factory.DataDir, "keys"), "signing-*.pem");
        Assert.That(keys, Is.Not.Empty, "the orchestrator made its signing key");
        return keys[0];
    }

    /// <summary>The base64 lines of a PEM: any one of them in a log means the key leaked.</summary>
    private static List<string> KeyBodyLines(string pem) =>
        File.ReadAllLines(pem).Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)).ToList();

    private string MirrorPath(Guid projectId) => Path.Combine(Factory.DataDir, "git", projectId.ToString("N") + ".git");

    private async Task<Guid> ProjectIdAsync(string slug) =>
        Guid.Parse((await Client.GetJsonAsync($"/api/v1/projects/{slug}")).Str("id"));

    private static Process StartCanaryProcess(string argumentZero, string canary)
    {
        var info = new ProcessStartInfo("bash", ["-c", $"exec -a {argumentZero} sleep 300"]) { UseShellExecute = false };
        info.Environment["COMET_TEST_CANARY"] = canary;
        return Process.Start(info)!;
    }

    private static async Task<List<string>> ReadEnvironAsync(int pid)
    {
        // The canary's bash execs sleep: wait until /proc shows the new program's environment.
        for (var i = 0; i < 50; i++)
        {
            var entries = (await File.ReadAllTextAsync($"/proc/{pid}/environ")).Split('\0', StringSplitOptions.RemoveEmptyEntries).ToList();
            if (entries.Count > 0) return entries;
            await Task.Delay(20);
        }
        return [];
    }
}
