using System.Diagnostics;
using NUnit.Framework;

namespace Comet.TestSupport;

/// <summary>Runs ./dev.sh from the repository with its own data folder and ports, as a newcomer would.</summary>
public sealed class DevScript(string dataDir, int gatewayPort, int orchestratorPort)
{
    public string DataDir { get; } = dataDir;
    public int GatewayPort { get; } = gatewayPort;
    public int OrchestratorPort { get; } = orchestratorPort;
    public Uri GatewayUrl => new($"http://127.0.0.1:{GatewayPort}");

    /// <summary>Extra environment for the hosts dev.sh starts (e.g. Runner__MaxParallelJobs).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public static string RepositoryRoot => RepositoryFiles.Root;

    /// <summary>A client of the gateway signed in through POST /auth/login: its requests carry the access token.</summary>
    public async Task<HttpClient> SignedInClientAsync(string username, string password)
    {
        var http = new HttpClient { BaseAddress = GatewayUrl };
        using var login = await http.PostAsync("/auth/login", new StringContent(
            System.Text.Json.JsonSerializer.Serialize(new { username, password }), System.Text.Encoding.UTF8, "application/json"));
        var body = await login.Content.ReadAsStringAsync();
        Assert.That(login.IsSuccessStatusCode, Is.True, $"signing in as {username}: {(int)login.StatusCode} {body}");
        var token = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public async Task<(int ExitCode, string Output)> RunAsync(string command, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot, "dev.sh"), command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot,
        };
        info.Environment["COMET_DATA_DIR"] = DataDir;
        info.Environment["COMET_GATEWAY_PORT"] = GatewayPort.ToString();
        info.Environment["COMET_ORCHESTRATOR_PORT"] = OrchestratorPort.ToString();
        foreach (var (name, value) in Environment) info.Environment[name] = value;

        var (exitCode, stdout, stderr) = await ChildProcess.RunAsync(info, timeout ?? TimeSpan.FromMinutes(5), $"./dev.sh {command}");
        return (exitCode, stdout + stderr);
    }

    public int? RecordedPid(string host)
    {
        var file = Path.Combine(DataDir, "run", host + ".pid");
        return File.Exists(file) ? int.Parse(File.ReadAllText(file).Trim()) : null;
    }

    /// <summary>The pids dev.sh recorded for the two hosts.</summary>
    public IReadOnlyList<int> RecordedPids() =>
        Directory.Exists(Path.Combine(DataDir, "run"))
            ? Directory.GetFiles(Path.Combine(DataDir, "run"), "*.pid").Select(f => int.Parse(File.ReadAllText(f).Trim())).ToList()
            : [];

    public static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
