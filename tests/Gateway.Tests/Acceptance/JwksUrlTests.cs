using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Comet.TestSupport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static Comet.Gateway.Tests.Acceptance.Answers;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>
/// Keys fetched from a JWKS URL (as an identity service publishes them at /.well-known/jwks.json), unsigned tokens,
/// and rate limits counted per token subject.
/// </summary>
public sealed class JwksUrlTests : AcceptanceTest
{
    private AcceptanceDownstream _downstream = null!;
    private TokenIssuer _issuer = null!;
    private WebApplication _keyServer = null!;
    private TestGateway _gateway = null!;
    private int _jwksFetches;

    [OneTimeSetUp]
    public async Task StartKeyServerDownstreamAndGateway()
    {
        var folder = TrackForFixture(new TempDirectory("comet-gateway-jwks-url"));
        _issuer = TrackForFixture(new TokenIssuer(Path.Combine(folder.Path, "jwks.json")));
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _keyServer = builder.Build();
        _keyServer.MapGet("/.well-known/jwks.json", () =>
        {
            Interlocked.Increment(ref _jwksFetches);
            return Results.Text(File.ReadAllText(_issuer.JwksPath), "application/json");
        });
        await _keyServer.StartAsync();

        _downstream = TrackForFixture(await AcceptanceDownstream.StartAsync());
        var settings = _issuer.GatewaySettings();
        settings.Remove("Gateway:Jwt:JwksFile");
        settings["Gateway:Jwt:JwksUrl"] = $"http://127.0.0.1:{port}/.well-known/jwks.json";
        _gateway = TrackForFixture(TestGateway.InMemory(GatewayConfig.With(
            Route.To("/secure/{everything}", "/{everything}", _downstream).RequiringBearer(),
            Route.To("/limited/{everything}", "/{everything}", _downstream).Limited(2, "1m")), settings));
    }

    [OneTimeTearDown]
    public async Task StopKeyServer() => await _keyServer.DisposeAsync();

    [Test]
    public async Task No_token_is_checked_unless_the_route_asks_for_it()
    {
        // With the single JWT scheme as the default, ASP.NET's automatic authentication middleware would verify
        // (RSA) every bearer token on every route, plain ones included; only EdgeAuthentication may check one.
        var schemes = ((GatewayFactory)_gateway.Host).Services.GetRequiredService<IAuthenticationSchemeProvider>();

        Assert.That(await schemes.GetDefaultAuthenticateSchemeAsync(), Is.Null);
        Assert.That(await schemes.GetSchemeAsync("Bearer"), Is.Not.Null);
    }

    private async Task<HttpResponseMessage> Send(string path, string? token, string? clientId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (clientId is not null) request.Headers.Add("ClientId", clientId);
        return await _gateway.Client.SendAsync(request);
    }

    [Test]
    public async Task A_token_signed_with_a_key_from_the_jwks_url_is_let_through()
    {
        using var response = await Send("/secure/cards", _issuer.Token());

        var seen = await EchoOf(response);
        Assert.That(seen.Path, Is.EqualTo("/cards"));
        Assert.That(_jwksFetches, Is.GreaterThanOrEqualTo(1), "the keys came from the URL");
    }

    [Test]
    public async Task An_unsigned_token_with_alg_none_is_a_401()
    {
        // A real token's claims, re-encoded with "alg":"none" and no signature.
        var claims = _issuer.Token().Split('.')[1];
        var header = Base64Url("""{"alg":"none","typ":"JWT","kid":"key-1"}""");

        using var response = await Send("/secure/cards", $"{header}.{claims}.");

        var problem = await ProblemOf(response, 401);
        Assert.That(problem.GetProperty("detail").GetString(), Does.StartWith("The bearer token was refused"));
    }

    [Test]
    public async Task Rate_limits_count_per_token_subject_not_per_client_address()
    {
        var alice = _issuer.Token(subject: "alice-" + Guid.NewGuid().ToString("N"));
        var bob = _issuer.Token(subject: "bob-" + Guid.NewGuid().ToString("N"));

        var aliceStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await Send("/limited/x", alice, clientId: "shared-client");
            aliceStatuses.Add(response.StatusCode);
        }
        using var bobsFirst = await Send("/limited/x", bob, clientId: "shared-client");

        Assert.Multiple(() =>
        {
            Assert.That(aliceStatuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }),
                "alice's third request in the minute is over her limit of 2");
            Assert.That(bobsFirst.StatusCode, Is.EqualTo(HttpStatusCode.OK), "bob has his own count, though he sends the same ClientId from the same address");
        });
    }

    private static string Base64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
