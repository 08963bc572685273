using System.Net;
using System.Text;
using System.Text.Json;
using Comet.TestSupport;
using Microsoft.Net.Http.Headers;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>
/// The orchestrator in memory on a real loopback port (Kestrel), and a browser's view of the comet_refresh cookie:
/// clients that keep no cookies, so each test says which cookie it sends and reads every Set-Cookie itself.
/// </summary>
public sealed class CookieSignIn : IDisposable
{
    public const string CookieName = "comet_refresh";

    public CookieSignIn(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var port = FreePort.Next();
        Factory = new OrchestratorFactory(settings);
        Factory.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        Factory.StartServer();
        Url = new Uri($"http://127.0.0.1:{port}/");
        Client = LoopbackClients.From(Url, "127.0.0.1");
    }

    public OrchestratorFactory Factory { get; }

    public Uri Url { get; }

    public HttpClient Client { get; }

    public static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public async Task<HttpResponseMessage> LogInAsync(bool inCookie, string username = OrchestratorFactory.AdminName,
        string password = OrchestratorFactory.AdminPassword, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/login")
        {
            Content = Json(new { username, password, refreshTokenInCookie = inCookie }),
        };
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        return await Client.SendAsync(request);
    }

    /// <summary>A request to /auth/refresh carrying <paramref name="cookie"/> as a browser would, with an optional body.</summary>
    public async Task<HttpResponseMessage> SendToRefreshAsync(HttpMethod method, string? cookie, object? body = null)
    {
        using var request = new HttpRequestMessage(method, "/auth/refresh");
        if (cookie is not null) request.Headers.Add("Cookie", $"{CookieName}={cookie}");
        if (body is not null) request.Content = Json(body);
        return await Client.SendAsync(request);
    }

    /// <summary>The comet_refresh Set-Cookie of an answer, or null.</summary>
    public static SetCookieHeaderValue? RefreshCookieOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => SetCookieHeaderValue.Parse(v)).SingleOrDefault(c => c.Name == CookieName)
            : null;

    /// <summary>True when the Set-Cookie tells the browser to forget the cookie (expired, empty).</summary>
    public static bool Clears(SetCookieHeaderValue? cookie) =>
        cookie is not null && cookie.Value.Length == 0 && cookie.Expires < DateTimeOffset.UtcNow && cookie.Path == "/auth/refresh";

    public void Dispose()
    {
        Client.Dispose();
        Factory.Dispose();
    }
}
