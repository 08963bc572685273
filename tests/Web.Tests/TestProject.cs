using System.Diagnostics;
using Comet.TestSupport;

namespace Comet.Web.Tests;

/// <summary>A real git repository (branch main) in a temp folder, registered as a project by <see cref="WebStack"/>.</summary>
public sealed class TestProject
{
    private readonly TempDirectory _folder = new("comet-web-repo");

    public string Path => System.IO.Path.Combine(_folder.Path, "app");
    public string Url => "file://" + Path;
    public string HeadSha { get; private set; } = "";
    public string Slug { get; set; } = "";
    public string WebhookSecret { get; set; } = "";

    public static TestProject Create(string pipeline)
    {
        var project = new TestProject();
        Directory.CreateDirectory(project.Path);
        project.Git("init", "--quiet", "--initial-branch=main");
        project.Commit(new Dictionary<string, string> { [".comet.yml"] = pipeline }, "First commit");
        return project;
    }

    public string Commit(IReadOnlyDictionary<string, string> files, string message)
    {
        foreach (var (relative, content) in files)
        {
            var full = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        Git("add", "--all");
        Git("-c", "user.name=Ada", "-c", "user.email=ada@example.com", "-c", "commit.gpgsign=false", "commit", "--quiet", "-m", message);
        return HeadSha = Git("rev-parse", "HEAD");
    }

    private string Git(params string[] args)
    {
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-C");
        info.ArgumentList.Add(Path);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        info.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"git {string.Join(' ', args)}: {error}");
        return output.Trim();
    }
}
