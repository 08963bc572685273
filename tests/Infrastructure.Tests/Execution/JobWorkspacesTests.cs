using System.Diagnostics;
using Comet.Application.Common.Interfaces;
using Comet.Application.Runs.Execution;
using Comet.Infrastructure.Execution;
using Comet.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Comet.Infrastructure.Tests.Execution;

/// <summary>Job folders under the work directory: who may pass, what a restart after a crash ends and removes.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class JobWorkspacesTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void CreateFolder() => _temp = new TempDirectory("comet-workspaces");

    [TearDown]
    public void DeleteFolder() => _temp.Dispose();

    private JobWorkspaces Workspaces(string? workDirectory = null) =>
        new(Options.Create(new RunnerOptions { WorkDirectory = workDirectory ?? Path.Combine(_temp.Path, "work") }), new Node(),
            NullLogger<JobWorkspaces>.Instance);

    [Test]
    public void The_work_and_node_folders_can_be_passed_through_but_not_listed_and_a_job_folder_is_its_owners_alone()
    {
        var workspaces = Workspaces();

        var folder = workspaces.Create(Guid.NewGuid());

        Assert.Multiple(() =>
        {
            Assert.That(File.GetUnixFileMode(Path.Combine(_temp.Path, "work")), Is.EqualTo(Mode("rwx--x--x")));
            Assert.That(File.GetUnixFileMode(workspaces.NodeRoot), Is.EqualTo(Mode("rwx--x--x")));
            Assert.That(File.GetUnixFileMode(folder.Root), Is.EqualTo(Mode("rwx------")));
            Assert.That(Directory.Exists(folder.Home), Is.True);
            Assert.That(Directory.Exists(folder.Workspace), Is.False, "git clones into a folder that does not exist yet");
        });
    }

    [Test]
    public void A_work_folder_that_someone_made_a_link_is_refused_instead_of_followed()
    {
        var elsewhere = Directory.CreateDirectory(Path.Combine(_temp.Path, "elsewhere")).FullName;
        var link = Path.Combine(_temp.Path, "work");
        File.CreateSymbolicLink(link, elsewhere);

        var refusal = Assert.Throws<JobBackendException>(() => Workspaces(link).Create(Guid.NewGuid()));

        Assert.That(refusal!.Message, Does.Contain("is a link"));
        Assert.That(Directory.GetFileSystemEntries(elsewhere), Is.Empty, "nothing was made through the link");
    }

    [Test]
    public async Task After_a_crash_the_processes_naming_a_job_folder_are_ended_with_their_group_and_the_folder_removed()
    {
        var workspaces = Workspaces();
        var folder = workspaces.Create(Guid.NewGuid());
        // A local step (its environment names the workspace, it leads a group with a child) and a sandbox (bwrap
        // names the workspace on its command line).
        var local = new ProcessStartInfo("setsid", ["bash", "-c", "sleep 300 & wait"]) { UseShellExecute = false };
        local.Environment["COMET_WORKSPACE"] = folder.Workspace;
        using var step = Process.Start(local)!;
        using var sandbox = Process.Start(new ProcessStartInfo("bash", ["-c", "sleep 300; true", "--bind", folder.Workspace, "/workspace"]) { UseShellExecute = false })!;
        var child = await ChildOfAsync(step.Id);

        var removed = workspaces.RemoveLeftovers();

        Assert.That(removed, Is.EqualTo(1));
        Assert.That(Directory.Exists(folder.Root), Is.False);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await step.WaitForExitAsync(wait.Token);
        await sandbox.WaitForExitAsync(wait.Token);
        Assert.That(await LiveProcesses.StillRunningAfterAsync(TimeSpan.FromSeconds(5), child), Is.Empty, "the step's child went with its group");
    }

    [Test]
    public void A_process_that_names_another_job_folder_is_left_alone()
    {
        var workspaces = Workspaces();
        var lost = workspaces.Create(Guid.NewGuid());
        var start = new ProcessStartInfo("sleep", ["300"]) { UseShellExecute = false };
        start.Environment["COMET_WORKSPACE"] = lost.Workspace + "-not-this-one";
        using var bystander = Process.Start(start)!;
        try
        {
            workspaces.RemoveLeftovers();

            Assert.That(bystander.HasExited, Is.False);
            Assert.That(Directory.Exists(lost.Root), Is.False);
        }
        finally
        {
            bystander.Kill();
        }
    }

    private static async Task<int> ChildOfAsync(int parent)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            var children = File.ReadAllText($"/proc/{parent}/task/{parent}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (children.Length > 0) return int.Parse(children[0]);
            await Task.Delay(20);
        }
        throw new TimeoutException($"process {parent} started no child");
    }

    private static UnixFileMode Mode(string rwx)
    {
        var bits = new[]
        {
            UnixFileMode.UserRead, UnixFileMode.UserWrite, UnixFileMode.UserExecute, UnixFileMode.GroupRead, UnixFileMode.GroupWrite,
            UnixFileMode.GroupExecute, UnixFileMode.OtherRead, UnixFileMode.OtherWrite, UnixFileMode.OtherExecute,
        };
        return bits.Where((_, i) => rwx[i] != '-').Aggregate(UnixFileMode.None, (mode, bit) => mode | bit);
    }

    private sealed class Node : INodeIdentity
    {
        public string Id => "test-node";
    }
}
