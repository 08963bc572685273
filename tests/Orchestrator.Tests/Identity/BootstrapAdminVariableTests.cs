using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>
/// COMET_BOOTSTRAP_ADMIN carries a password: the orchestrator takes it at start and drops it from its environment, so
/// the processes it starts (git, tools) never see it. Non-parallel: it changes this process's environment, which the
/// in-process orchestrators of other fixtures read at start.
/// </summary>
[NonParallelizable]
public sealed class BootstrapAdminVariableTests
{
    private const string Variable = "COMET_BOOTSTRAP_ADMIN";

    [Test]
    public async Task COMET_BOOTSTRAP_ADMIN_is_consumed_at_start_and_no_child_process_inherits_it()
    {
        const string password = "from the environment, not a file";
        Environment.SetEnvironmentVariable(Variable, $"env-admin:{password}");
        try
        {
            using var factory = new OrchestratorFactory(new Dictionary<string, string?> { ["Identity:BootstrapAdmin"] = null });
            using var client = factory.CreateClient();

            using var login = await client.PostAsJsonAsync("/auth/login", new { username = "env-admin", password });
            var childEnvironment = await EnvironmentOfAChildProcess();

            Assert.Multiple(() =>
            {
                Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the admin was made from the variable");
                Assert.That(Environment.GetEnvironmentVariable(Variable), Is.Null, "gone from the process environment");
                Assert.That(childEnvironment, Does.Not.Contain(Variable).And.Not.Contain(password));
                Assert.That(childEnvironment, Does.Contain("PATH="), "the control: the child did print its environment");
            });
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, null);
        }
    }

    /// <summary>Started the way GitCli starts git: a ProcessStartInfo whose environment is this process's, plus a few.</summary>
    private static async Task<string> EnvironmentOfAChildProcess()
    {
        var info = new ProcessStartInfo("env") { RedirectStandardOutput = true, UseShellExecute = false };
        info.Environment["LC_ALL"] = "C";
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
