using System.Net;
using System.Net.Http.Json;
using Comet.Application.Secrets;
using Comet.TestSupport;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Orchestrator.Tests.Secrets;

/// <summary>
/// The secret store's key ring in {data}/keys/data-protection: private files, rotation that keeps old values readable
/// (also after a restart), and a start that refuses in one line, with exit code 2, when the keys cannot read the
/// database's values (missing, or another server's).
/// </summary>
[NonParallelizable]
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // file modes
public sealed class SecretKeyTests
{
    private const string OldValue = "written-before-the-rotation";
    private const string NewValue = "written-after-the-rotation";

    private static string KeyFolder(string dataDir) => Path.Combine(dataDir, "keys", "data-protection");

    private static async Task PutAsync(HttpClient client, string name, string value)
    {
        using var put = await client.PutAsJsonAsync($"/api/v1/admin/secrets/{name}", new { value });
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
    }

    private static async Task<string> StoredAsync(OrchestratorFactory factory, string name) =>
        await factory.WithDbAsync(db => db.Secrets.Single(s => s.Name == name).ProtectedValue);

    /// <summary>Data Protection payloads start with a 4-byte magic header, then the id of the key that made them.</summary>
    private static Guid KeyIdOf(string payload)
    {
        var base64 = payload.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        return new Guid(Convert.FromBase64String(base64).AsSpan(4, 16));
    }

    [Test]
    public async Task The_key_ring_is_private_to_the_server()
    {
        using var factory = new OrchestratorFactory();
        using var client = factory.CreateSignedInClient();
        await PutAsync(client, "MODES", "value");

        var folder = KeyFolder(factory.DataDir);
        var files = Directory.GetFiles(folder, "*.xml");
        Assert.That(files, Is.Not.Empty);
        Assert.That(File.GetUnixFileMode(Path.GetDirectoryName(folder)!), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        Assert.That(File.GetUnixFileMode(folder), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        Assert.That(files.Select(File.GetUnixFileMode), Is.All.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public async Task After_a_key_rotation_new_values_use_the_new_key_and_old_values_stay_readable_also_after_a_restart()
    {
        using var dataDir = new TempDirectory("comet-secret-keys");
        Guid oldKey, newKey;
        using (var factory = new OrchestratorFactory(dataDir: dataDir.Path))
        using (var client = factory.CreateSignedInClient())
        {
            await PutAsync(client, "OLD", OldValue);
            var keys = factory.Services.GetRequiredService<IKeyManager>();
            keys.CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
            oldKey = KeyIdOf(await StoredAsync(factory, "OLD"));
            // The key ring is re-read in the background after a change; a value written a moment later uses the new key.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            do
            {
                await PutAsync(client, "NEW", NewValue);
                newKey = KeyIdOf(await StoredAsync(factory, "NEW"));
                if (newKey != oldKey) break;
                await Task.Delay(200);
            }
            while (clock.Elapsed < TimeSpan.FromSeconds(20));
            TestContext.Out.WriteLine($"the new key was used after {clock.Elapsed.TotalSeconds:0.0} s");
        }

        using var restarted = new OrchestratorFactory(dataDir: dataDir.Path);
        using var again = restarted.CreateSignedInClient();
        var protector = restarted.Services.GetRequiredService<ISecretProtector>();

        Assert.That(newKey, Is.Not.EqualTo(oldKey), "the value written after the rotation uses the new key");
        Assert.That(Directory.GetFiles(KeyFolder(dataDir.Path), "*.xml"), Has.Length.EqualTo(2), "the old key stays in the ring");
        Assert.That(protector.Unprotect(await StoredAsync(restarted, "OLD")), Is.EqualTo(OldValue));
        Assert.That(protector.Unprotect(await StoredAsync(restarted, "NEW")), Is.EqualTo(NewValue));
    }

    [Test]
    public async Task A_server_whose_keys_are_missing_refuses_to_start_in_one_line_with_exit_code_2()
    {
        using var dataDir = new TempDirectory("comet-secret-keys");
        using (var factory = new OrchestratorFactory(dataDir: dataDir.Path))
        using (var client = factory.CreateSignedInClient())
            await PutAsync(client, "KEPT", OldValue);
        Directory.Delete(KeyFolder(dataDir.Path), recursive: true);

        var (exitCode, _, stderr) = await OrchestratorBinary.RunAsync(dataDir.Path, [], null, TimeSpan.FromSeconds(60));

        Assert.That(exitCode, Is.EqualTo(2), stderr);
        Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1), stderr);
        Assert.That(stderr, Does.Contain("cannot decrypt").And.Contain("keys/data-protection").And.Contain("restore"));
        Assert.That(Directory.Exists(KeyFolder(dataDir.Path)) && Directory.GetFiles(KeyFolder(dataDir.Path)).Length > 0, Is.False,
            "a refused start makes no new key that would hide the loss");
    }

    [Test]
    public async Task A_server_given_another_servers_keys_refuses_to_start()
    {
        using var dataDir = new TempDirectory("comet-secret-keys");
        using var otherDir = new TempDirectory("comet-secret-keys-other");
        using (var factory = new OrchestratorFactory(dataDir: dataDir.Path))
        using (var client = factory.CreateSignedInClient())
            await PutAsync(client, "KEPT", OldValue);
        using (var other = new OrchestratorFactory(dataDir: otherDir.Path))
        using (var client = other.CreateSignedInClient())
            await PutAsync(client, "OTHER", "x");
        Directory.Delete(KeyFolder(dataDir.Path), recursive: true);
        Directory.Move(KeyFolder(otherDir.Path), KeyFolder(dataDir.Path));

        var (exitCode, _, stderr) = await OrchestratorBinary.RunAsync(dataDir.Path, [], null, TimeSpan.FromSeconds(60));

        Assert.That(exitCode, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.Contain("cannot decrypt the key check"));
    }
}
