using System.Net;
using System.Text;

namespace Comet.Orchestrator.Tests.Edge;

/// <summary>
/// The web UI's sign-in through the real gateway and its shipped route file, with a client that keeps cookies as a
/// browser does: the cookie comes back through the gateway and travels only to /auth/refresh.
/// </summary>
public sealed class RefreshCookieThroughGatewayTests
{
    [Test]
    public async Task A_browser_signs_in_renews_through_the_cookie_and_signs_out_through_the_gateway()
    {
        await using var edge = await GatewayInFront.StartAsync();
        using var browser = edge.GatewayClient(cookies: true);

        using var providers = await browser.GetAsync("/auth/providers");
        Assert.That((await providers.ReadJsonAsync()).GetProperty("password").GetBoolean(), Is.True);

        using var login = await browser.PostAsync("/auth/login", new StringContent(
            $$"""{"username":"{{OrchestratorFactory.AdminName}}","password":"{{OrchestratorFactory.AdminPassword}}","refreshTokenInCookie":true}""",
            Encoding.UTF8, "application/json"));
        var tokens = await login.ReadJsonAsync();
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK), tokens.ToString());
        Assert.That(tokens.TryGetProperty("refreshToken", out _), Is.False);

        using var renewed = await browser.PostAsync("/auth/refresh", content: null);
        var body = await renewed.ReadJsonAsync();
        Assert.That(renewed.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        me.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", body.StringOrNull("accessToken"));
        using var meAnswer = await browser.SendAsync(me);
        Assert.That(meAnswer.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the renewed access token works through the gateway");

        using var ended = await browser.DeleteAsync("/auth/refresh");
        Assert.That(ended.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using var afterwards = await browser.PostAsync("/auth/refresh", content: null);
        Assert.That(afterwards.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "the cookie is gone, so there is no token to renew with");
    }
}
