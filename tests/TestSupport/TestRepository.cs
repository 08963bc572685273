using System.Diagnostics;
using NUnit.Framework;

namespace Comet.TestSupport;

/// <summary>
/// A real git repository in a temp folder (branch main), reachable as a file:// URL, made and changed
/// with the git command line the way a developer would.
/// </summary>
public sealed class TestRepository : IDisposable
{
    private readonly TempDirectory _folder;

    private TestRepository(string name)
    {
        _folder = new TempDirectory("comet-repo");
        Name = name;
        Path = System.IO.Path.Combine(_folder.Path, name);
        Directory.CreateDirectory(Path);
        Git("init", "--quiet", "--initial-branch=main");
    }

    /// <summary>The last part of the path: what a forge would call the repository.</summary>
    public string Name { get; }

    public string Path { get; }

    public string Url => "file://" + Path;

    /// <summary>The commit made by <see cref="Create"/> (or the last <see cref="Commit"/>).</summary>
    public string HeadSha { get; private set; } = "";

    /// <summary>A repository whose first commit on main holds <paramref name="pipeline"/> as .comet.yml (none when null) and <paramref name="files"/>.</summary>
    public static TestRepository Create(string? pipeline, IReadOnlyDictionary<string, string>? files = null, string message = "First commit")
    {
        var repository = new TestRepository("app-" + Guid.NewGuid().ToString("N")[..8]);
        var all = new Dictionary<string, string>(files ?? new Dictionary<string, string>());
        if (pipeline is not null) all[".comet.yml"] = pipeline;
        if (all.Count == 0) all["README.md"] = "# app\n";
        repository.Commit(all, message);
        return repository;
    }

    /// <summary>Writes the files, commits everything on the current branch and returns the new commit's sha.</summary>
    public string Commit(IReadOnlyDictionary<string, string> files, string message)
    {
        foreach (var (relative, content) in files)
        {
            var full = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        Git("add", "--all");
        Git("-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", "commit", "--quiet", "--allow-empty", "-m", message);
        return HeadSha = Git("rev-parse", "HEAD");
    }

    /// <summary>Runs git in the repository and returns its trimmed output; a non-zero exit fails the test.</summary>
    public string Git(params string[] args)
    {
        var info = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-C");
        info.ArgumentList.Add(Path);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // The developer's own git configuration (hooks, signing, templates) must not change the repository.
        info.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        info.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            Assert.Fail($"git {string.Join(' ', args)} exited {process.ExitCode}: {error}");
        return output.Result.Trim();
    }

    public void Dispose() => _folder.Dispose();
}
