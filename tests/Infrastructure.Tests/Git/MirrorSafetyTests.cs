using System.Runtime.Versioning;
using System.Security.Cryptography;
using Comet.Infrastructure.Tests.Execution;

namespace Comet.Infrastructure.Tests.Git;

/// <summary>
/// Whatever lands in a mirror or a workspace — a hook, a setting, a template named in the server's environment — the
/// server's own git never runs it, and a workspace never reaches back into the mirror it was made from.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class MirrorSafetyTests : GitFixture
{
    private string Marker => Path.Combine(Temp.Path, "hook-ran");

    [Test]
    public async Task A_reference_transaction_hook_planted_in_the_mirror_never_runs_when_the_server_fetches()
    {
        Source.Commit("first", ("a.txt", "1"));
        await FetchMainAsync();
        PlantHook(Path.Combine(Mirror.Path, "hooks"), "reference-transaction");
        var pushed = Source.Commit("second", ("a.txt", "2"));

        Assert.That(await FetchMainAsync(), Is.EqualTo(pushed), "the fetch moved main, the moment git runs that hook");
        Assert.That(File.Exists(Marker), Is.False, "the hook ran in the server's fetch");

        // The hook itself works: git run by anyone else, without the server's settings, runs it.
        Mirror.Git("update-ref", "refs/heads/probe", pushed);
        Assert.That(File.Exists(Marker), Is.True, "the planted hook is broken, so this test proves nothing");
    }

    [Test]
    public async Task A_hooks_folder_named_in_the_mirrors_config_never_runs_when_the_server_fetches()
    {
        Source.Commit("first", ("a.txt", "1"));
        await FetchMainAsync();
        var planted = Path.Combine(Temp.Path, "planted-hooks");
        PlantHook(planted, "reference-transaction");
        Mirror.Git("config", "core.hooksPath", planted);
        var pushed = Source.Commit("second", ("a.txt", "2"));

        Assert.That(await FetchMainAsync(), Is.EqualTo(pushed));
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(Marker), Is.False, "the hook ran in the server's fetch");
            Assert.That(File.ReadAllText(Path.Combine(Mirror.Path, "config")), Does.Not.Contain(planted),
                "the fetch puts back the config Comet wrote");
        });
    }

    [Test]
    public async Task Hooks_planted_in_the_mirror_never_run_when_a_workspace_is_checked_out()
    {
        // Checking out with the mirror's own hooks in play (git worktree add, a non-bare mirror) would run post-checkout.
        var head = Source.Commit("first", ("a.txt", "1"));
        await FetchMainAsync();
        var planted = Path.Combine(Temp.Path, "planted-hooks");
        foreach (var folder in new[] { Path.Combine(Mirror.Path, "hooks"), planted })
        {
            PlantHook(folder, "post-checkout");
            PlantHook(folder, "reference-transaction");
        }
        Mirror.Git("config", "core.hooksPath", planted);
        var workspace = Path.Combine(Temp.Path, "workspace");

        await Git.CheckoutAsync(Project, head, workspace, None);

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(Path.Combine(workspace, "a.txt")), Is.EqualTo("1"));
            Assert.That(File.Exists(Marker), Is.False, "a hook ran while the workspace was made");
        });
    }

    [Test, NonParallelizable]
    public async Task A_template_folder_named_in_the_servers_environment_puts_no_hook_into_a_workspace()
    {
        // git copies GIT_TEMPLATE_DIR/hooks into every repository it makes; inherited, it would put a hook into the
        // workspace that the server's checkout then runs.
        var head = Source.Commit("first", ("a.txt", "1"));
        await FetchMainAsync();
        var template = Path.Combine(Temp.Path, "template");
        PlantHook(Path.Combine(template, "hooks"), "post-checkout");
        var workspace = Path.Combine(Temp.Path, "workspace");
        Environment.SetEnvironmentVariable("GIT_TEMPLATE_DIR", template);
        try
        {
            await Git.CheckoutAsync(Project, head, workspace, None);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GIT_TEMPLATE_DIR", null);
        }

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(Marker), Is.False, "the template's hook ran in the server's checkout");
            Assert.That(File.Exists(Path.Combine(workspace, ".git", "hooks", "post-checkout")), Is.False,
                "a step's own git would run the template's hook");
        });
    }

    [Test]
    public async Task A_workspace_keeps_its_whole_history_when_the_mirror_is_out_of_sight()
    {
        // A sandboxed step cannot see the mirror; a workspace that borrowed its objects (clone --shared) loses them there.
        var first = Source.Commit("first", ("a.txt", "1"));
        var head = Source.Commit("second", ("a.txt", "2"));
        await FetchMainAsync();
        var workspace = Path.Combine(Temp.Path, "workspace");
        await Git.CheckoutAsync(Project, head, workspace, None);

        Directory.Move(Git.MirrorPath(Project), Path.Combine(Temp.Path, "mirror-out-of-sight"));

        var inWorkspace = SourceRepository.Existing(workspace);
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(Path.Combine(workspace, ".git", "objects", "info", "alternates")), Is.False,
                "the workspace names the mirror as a place to read objects from");
            Assert.That(inWorkspace.Git("log", "--format=%H").Split('\n', StringSplitOptions.RemoveEmptyEntries),
                Is.EqualTo(new[] { head, first }));
            Assert.That(inWorkspace.Git("show", $"{first}:a.txt"), Is.EqualTo("1"));
        });
    }

    [Test]
    public async Task A_step_that_commits_in_its_workspace_and_rewrites_its_object_files_changes_nothing_in_the_mirror()
    {
        var head = Source.Commit("first", ("a.txt", "1"), ("b.txt", "2"));
        await FetchMainAsync();
        var workspace = Path.Combine(Temp.Path, "workspace");
        await Git.CheckoutAsync(Project, head, workspace, None);
        var before = Snapshot(Mirror.Path);

        // What a step can do to its workspace: commit with its own git, then overwrite every object file it holds
        // (git makes them read-only; their owner can make them writable again). A hard-linked file is the mirror's own.
        var inWorkspace = SourceRepository.Existing(workspace);
        var made = inWorkspace.Commit("made by a step", ("c.txt", "3"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(workspace, ".git", "objects"), "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.WriteAllText(file, "overwritten by a step");
        }

        Assert.Multiple(() =>
        {
            Assert.That(Snapshot(Mirror.Path), Is.EqualTo(before), "a file of the mirror changed");
            Assert.That(() => Mirror.Git("cat-file", "-e", made), Throws.InvalidOperationException,
                "the step's commit reached the mirror");
        });
    }

    /// <summary>An executable hook that records its name in <see cref="Marker"/> when git runs it.</summary>
    private void PlantHook(string folder, string name) =>
        ExecutableScript.Write(Path.Combine(folder, name), $"echo {name} >> '{Marker}'");

    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
            file => Path.GetRelativePath(folder, file),
            file => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))));
}
