using System.Net.Http.Json;
using System.Runtime.Versioning;
using Comet.Application.Common.Interfaces;
using Comet.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>
/// The server's secrets in the data folder (signing keys, the artifact URL key, the first admin's password, the
/// SQLite database) are for the server's user only: files 0600, their folders 0700.
/// </summary>
[SupportedOSPlatform("linux")] // file modes
public sealed class SecretFileModeTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private static readonly Dictionary<string, string?> RandomAdminPassword = new() { ["Identity:BootstrapAdmin"] = "" };

    /// <summary>Starts the orchestrator on <paramref name="dataDir"/>, signs in and makes the artifact URL key (made on first use).</summary>
    private static async Task StartAndUseAsync(string dataDir)
    {
        using var factory = new OrchestratorFactory(RandomAdminPassword, dataDir);
        using var client = factory.CreateClient();
        var password = (await File.ReadAllTextAsync(Path.Combine(dataDir, "initial-admin-password"))).Trim();
        using (await client.PostAsJsonAsync("/auth/login", new { username = "admin", password })) { }
        _ = factory.Services.GetRequiredService<IArtifactUrlKey>().Key;
    }

    private static IEnumerable<string> SecretFiles(string dataDir) =>
        Directory.GetFiles(Path.Combine(dataDir, "keys"))
            .Append(Path.Combine(dataDir, "initial-admin-password"))
            .Concat(Directory.GetFiles(dataDir, "comet.db*"));

    private static string ModeOf(string path) => $"{Path.GetFileName(path)}: {File.GetUnixFileMode(path)}";

    [Test]
    public async Task A_new_data_folder_its_keys_and_database_are_for_the_server_user_only()
    {
        using var parent = new TempDirectory("comet-modes");
        var dataDir = Path.Combine(parent.Path, "data");

        await StartAndUseAsync(dataDir);

        var files = SecretFiles(dataDir).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(files.Select(Path.GetFileName), Is.SupersetOf(new[] { "artifact-urls.key", "initial-admin-password", "comet.db", "comet.db-wal" }));
            Assert.That(files.Count(f => Path.GetFileName(f).StartsWith("signing-", StringComparison.Ordinal)), Is.EqualTo(1));
            Assert.That(File.GetUnixFileMode(dataDir), Is.EqualTo(PrivateFolder), "the data folder");
            Assert.That(File.GetUnixFileMode(Path.Combine(dataDir, "keys")), Is.EqualTo(PrivateFolder), "the keys folder");
            foreach (var file in files) Assert.That(File.GetUnixFileMode(file), Is.EqualTo(Private), ModeOf(file));
        });
    }

    [Test]
    public async Task Secret_files_left_readable_by_others_are_tightened_at_start_and_the_log_says_so()
    {
        using var dataDir = new TempDirectory("comet-modes");
        await StartAndUseAsync(dataDir.Path);
        const UnixFileMode readableByAll = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        foreach (var file in SecretFiles(dataDir.Path)) File.SetUnixFileMode(file, readableByAll);
        File.SetUnixFileMode(Path.Combine(dataDir.Path, "keys"), PrivateFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        await StartAndUseAsync(dataDir.Path);

        var log = await File.ReadAllTextAsync(Path.Combine(dataDir.Path, "logs", "orchestrator.log"));
        Assert.Multiple(() =>
        {
            Assert.That(File.GetUnixFileMode(Path.Combine(dataDir.Path, "keys")), Is.EqualTo(PrivateFolder), "the keys folder");
            foreach (var file in SecretFiles(dataDir.Path))
            {
                Assert.That(File.GetUnixFileMode(file), Is.EqualTo(Private), ModeOf(file));
                Assert.That(log, Does.Contain($"{file} was readable by other users (mode 0644)"), $"the log names {Path.GetFileName(file)}");
            }
        });
    }
}
