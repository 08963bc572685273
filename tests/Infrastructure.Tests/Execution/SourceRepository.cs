using System.Diagnostics;

namespace Comet.Infrastructure.Tests.Execution;

/// <summary>A real git repository in a temp folder, driven with the git CLI, standing in for a forge's repository.</summary>
public sealed class SourceRepository
{
    public SourceRepository(string path)
        : this(path, init: true)
    {
    }

    private SourceRepository(string path, bool init)
    {
        Path = path;
        if (!init) return;
        Directory.CreateDirectory(path);
        Git("init", "--quiet", "-b", "main");
    }

    /// <summary>A repository that is already there, such as a job's workspace.</summary>
    public static SourceRepository Existing(string path) => new(path, init: false);

    public string Path { get; private set; }

    public string Url => new Uri(Path).AbsoluteUri;

    /// <summary>Writes the files, commits everything and returns the new commit's sha.</summary>
    public string Commit(string message, params (string File, string Content)[] files)
    {
        foreach (var (file, content) in files)
        {
            var full = System.IO.Path.Combine(Path, file);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        Git("add", "--all");
        return CommitStaged("--allow-empty", "-m", message);
    }

    /// <summary>Commits what is staged, with <paramref name="options"/> (a message, an author, a date); returns the sha.</summary>
    public string CommitStaged(params string[] options)
    {
        Git([.. Identity, "commit", "--quiet", .. options]);
        return Head();
    }

    /// <summary>Merges <paramref name="branch"/> into the current branch with a merge commit, even when it could fast-forward.</summary>
    public string Merge(string branch, string message)
    {
        Git([.. Identity, "merge", "--quiet", "--no-ff", "-m", message, branch]);
        return Head();
    }

    /// <summary>Tags the current commit: annotated with a message, lightweight without.</summary>
    public void Tag(string name, string? message = null) =>
        Git(message is null ? ["tag", name] : [.. Identity, "tag", "-a", name, "-m", message]);

    private static readonly string[] Identity =
        ["-c", "user.name=Comet Test", "-c", "user.email=test@comet.invalid", "-c", "commit.gpgsign=false"];

    public string Head() => Git("rev-parse", "HEAD").Trim();

    public void MoveTo(string newPath)
    {
        Directory.Move(Path, newPath);
        Path = newPath;
    }

    public string Git(params string[] args)
    {
        var info = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // The developer's own git settings (default branch, hooks, signing) stay out of the test repositories.
        info.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        info.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed ({process.ExitCode}): {error.Result}");
        return output;
    }
}
