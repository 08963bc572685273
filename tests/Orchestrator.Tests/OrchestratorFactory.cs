using System.Globalization;
using Comet.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Orchestrator.Tests;

/// <summary>The orchestrator in memory, on SQLite in a data folder of its own that is deleted on dispose.</summary>
/// <remarks>
/// Pass <paramref name="dataDir"/> to keep the folder after the host stops (the caller deletes it). A setting given
/// as null is left unset, so the host's own sources (environment variables) decide it.
/// </remarks>
public sealed class OrchestratorFactory(IReadOnlyDictionary<string, string?>? settings = null, string? dataDir = null)
    : WebApplicationFactory<Program>
{
    private readonly TempDirectory? _ownedDataDir = dataDir is null ? new TempDirectory("comet-orchestrator-test") : null;

    public string DataDir => dataDir ?? _ownedDataDir!.Path;

    /// <summary>Where this host makes job workspaces: a folder of its own directly under the temp folder, which the sandbox account can pass.</summary>
    public string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), $"comet-work-test-{Guid.NewGuid():N}");

    /// <summary>Services a test adds or replaces after the host's own (e.g. an in-memory trace exporter).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>The first admin every test orchestrator starts with (unless a test names its own).</summary>
    public const string AdminName = "test-admin";
    public const string AdminPassword = "test-admin-password";

    /// <summary>A client signed in as the first admin: its requests carry the admin's access token.</summary>
    public HttpClient CreateSignedInClient() => SignIn(CreateClient(), AdminName, AdminPassword);

    /// <summary>Signs <paramref name="client"/> in; its requests carry the user's access token from then on.</summary>
    public static HttpClient SignIn(HttpClient client, string username, string password)
    {
        using var login = client.PostAsync("/auth/login", new StringContent(
            System.Text.Json.JsonSerializer.Serialize(new { username, password }), System.Text.Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
        var body = login.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (!login.IsSuccessStatusCode) throw new InvalidOperationException($"signing in as {username} failed: {(int)login.StatusCode} {body}");
        var token = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Comet:DataDir", DataDir);
        builder.UseSetting("Comet:OrchestratorPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Database:Provider", "sqlite");
        // Job folders of its own, removed with it (the default, /var/tmp/comet-work-{uid}, would keep a node folder per host).
        builder.UseSetting("Runner:WorkDirectory", WorkDirectory);
        var given = settings ?? new Dictionary<string, string?>();
        if (!given.ContainsKey("Identity:BootstrapAdmin")) builder.UseSetting("Identity:BootstrapAdmin", $"{AdminName}:{AdminPassword}");
        foreach (var (key, value) in given.Where(s => s.Value is not null))
            builder.UseSetting(key, value);
        if (TestServices is { } configure) builder.ConfigureTestServices(configure);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        _ownedDataDir?.Dispose();
        try
        {
            if (Directory.Exists(WorkDirectory)) Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A job folder still being removed by the host's last job; the temp folder is cleaned by the system.
        }
    }
}
