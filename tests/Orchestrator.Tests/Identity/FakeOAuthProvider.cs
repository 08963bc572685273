using System.Text.Json;
using Comet.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>
/// A stand-in for github.com / gitlab.com on a loopback port: authorize redirects back with a code (or an error),
/// the token endpoint trades it for an access token, and the user endpoints answer JSON shaped like the real APIs.
/// </summary>
public sealed class FakeOAuthProvider : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeOAuthProvider(WebApplication app, int port)
    {
        _app = app;
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    public string BaseUrl { get; }

    /// <summary>What GET /user answers (GitHub's or GitLab's shape).</summary>
    public object User { get; set; } = new { };

    /// <summary>What GitHub's GET /user/emails answers.</summary>
    public object[] Emails { get; set; } = [];

    /// <summary>Set: the user declines on the consent page (error=access_denied).</summary>
    public bool Deny { get; set; }

    /// <summary>Set: the token endpoint fails with 500.</summary>
    public bool BreakTokenEndpoint { get; set; }

    public static async Task<FakeOAuthProvider> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var provider = new FakeOAuthProvider(app, port);
        app.MapGet("/authorize", (HttpContext context) =>
        {
            var query = context.Request.Query;
            var back = query["redirect_uri"].ToString();
            var state = Uri.EscapeDataString(query["state"].ToString());
            return Results.Redirect(provider.Deny
                ? $"{back}?error=access_denied&error_description=The+user+has+denied+your+application+access.&state={state}"
                : $"{back}?code=fake-code-123&state={state}");
        });
        app.MapPost("/token", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            if (provider.BreakTokenEndpoint) return Results.StatusCode(500);
            if (form["code"] != "fake-code-123" || string.IsNullOrEmpty(form["code_verifier"]))
                return Results.Json(new { error = "bad_verification_code" }, statusCode: 400);
            return Results.Json(new { access_token = "gho_fakeaccesstoken", token_type = "bearer", scope = "read:user,user:email" });
        });
        app.MapGet("/user", (HttpContext context) =>
            context.Request.Headers.Authorization == "Bearer gho_fakeaccesstoken" ? Results.Json(provider.User) : Results.StatusCode(401));
        app.MapGet("/user/emails", () => Results.Json(provider.Emails));
        await app.StartAsync();
        return provider;
    }

    /// <summary>Orchestrator settings pointing one provider's endpoints here.</summary>
    public Dictionary<string, string?> SettingsFor(string scheme) => new()
    {
        [$"Identity:OAuth:{scheme}:ClientId"] = "comet-client",
        [$"Identity:OAuth:{scheme}:ClientSecret"] = "comet-secret",
        [$"Identity:OAuth:{scheme}:AuthorizationEndpoint"] = BaseUrl + "/authorize",
        [$"Identity:OAuth:{scheme}:TokenEndpoint"] = BaseUrl + "/token",
        [$"Identity:OAuth:{scheme}:UserInformationEndpoint"] = BaseUrl + "/user",
        [$"Identity:OAuth:{scheme}:EmailsEndpoint"] = BaseUrl + "/user/emails",
    };

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
