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
    public async Task After_a_crash_the_step_a_job_folder_notes_is_ended_and_the_folder_removed()
    {
        var workspaces = Workspaces();
        var folder = workspaces.Create(Guid.NewGuid());
        using var leftover = Process.Start(new ProcessStartInfo("setsid", ["sleep", "300"]) { UseShellExecute = false })!;
        JobWorkspaces.NoteStep(folder, leftover.Id);

        var removed = workspaces.RemoveLeftovers();

        Assert.That(removed, Is.EqualTo(1));
        Assert.That(Directory.Exists(folder.Root), Is.False);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await leftover.WaitForExitAsync(wait.Token);
        Assert.That(leftover.ExitCode, Is.EqualTo(137), "killed by SIGKILL");
    }

    [Test]
    public void A_noted_pid_that_now_names_another_process_is_left_alone()
    {
        var workspaces = Workspaces();
        var folder = workspaces.Create(Guid.NewGuid());
        using var bystander = Process.Start(new ProcessStartInfo("sleep", ["300"]) { UseShellExecute = false })!;
        try
        {
            // The same pid with another start time: the noted step ended and the kernel gave its pid to someone else.
            File.WriteAllText(Path.Combine(folder.Root, "step.pid"), $"{bystander.Id} 1");

            workspaces.RemoveLeftovers();

            Assert.That(bystander.HasExited, Is.False);
            Assert.That(Directory.Exists(folder.Root), Is.False);
        }
        finally
        {
            bystander.Kill();
        }
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
