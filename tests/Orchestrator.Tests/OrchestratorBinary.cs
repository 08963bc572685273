using System.Globalization;
using Comet.TestSupport;

namespace Comet.Orchestrator.Tests;

/// <summary>The built orchestrator (Comet.Orchestrator.dll next to these tests) run as a process of its own.</summary>
public static class OrchestratorBinary
{
    /// <summary>
    /// Runs it with <paramref name="args"/> on <paramref name="dataDir"/> (its working folder too) and a free port, without
    /// the test's own database connection string or <paramref name="unset"/>, with <paramref name="environment"/> added:
    /// its exit code, stdout and stderr. Fails the test if it is still running after <paramref name="timeout"/>.
    /// </summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string dataDir, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, params string[] unset)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Comet.Orchestrator.dll");
        Assert.That(File.Exists(dll), Is.True, dll);
        var argList = args.ToList();
        var start = ChildProcess.Dotnet(dll, dataDir, argList);
        foreach (var name in unset.Prepend("ConnectionStrings__Comet"))
            start.Environment.Remove(name);
        start.Environment["COMET_DATA_DIR"] = dataDir;
        start.Environment["COMET_ORCHESTRATOR_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        var settings = string.Join(", ", (environment ?? new Dictionary<string, string>()).Select(e => $"{e.Key}={e.Value}"));
        return ChildProcess.RunAsync(start, timeout, $"the orchestrator with [{string.Join(' ', argList)}] and {{{settings}}}");
    }
}
