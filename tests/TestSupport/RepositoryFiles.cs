namespace Comet.TestSupport;

/// <summary>The checkout the tests were built from, for tests that read its files (the README, the built hosts).</summary>
public static class RepositoryFiles
{
    /// <summary>The folder holding Comet.sln and dev.sh above the test's output folder.</summary>
    public static string Root { get; } = FindRoot();

    public static string ReadAllText(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "dev.sh")) && File.Exists(Path.Combine(dir.FullName, "Comet.sln")))
                return dir.FullName;
        throw new InvalidOperationException("the repository root (Comet.sln and dev.sh) was not found above " + AppContext.BaseDirectory);
    }
}
