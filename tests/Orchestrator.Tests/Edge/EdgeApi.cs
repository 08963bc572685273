using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comet.Orchestrator.Tests.Edge;

/// <summary>Small calls the edge tests share: users, sign-in attempts and the audit log's view of who asked.</summary>
public static class EdgeApi
{
    public const string Password = "the right password";

    /// <summary>A new user with <see cref="Password"/>, made by the admin; returns its name.</summary>
    public static async Task<string> NewUserAsync(HttpClient admin, string prefix)
    {
        var name = prefix + Guid.NewGuid().ToString("N")[..8];
        using var created = await admin.PostAsJsonAsync("/api/v1/admin/users", new { username = name, password = Password });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return name;
    }

    public static async Task<HttpStatusCode> LogInAsync(HttpClient client, string username, string password,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/login") { Content = JsonContent.Create(new { username, password }) };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The client address the orchestrator recorded for <paramref name="username"/>'s failed sign-ins, newest first.</summary>
    public static async Task<List<string?>> FailedSignInAddressesAsync(HttpClient admin, string username)
    {
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/admin/audit?action=login_failed&user={username}&pageSize=100");
        return page.GetProperty("items").EnumerateArray()
            .Where(e => e.GetProperty("actorName").GetString() == username)
            .Select(e => e.GetProperty("clientAddress").GetString()).ToList();
    }
}
