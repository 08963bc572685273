using System.Net;
using System.Net.Http.Headers;
using Comet.TestSupport;
using static Comet.Gateway.Tests.Acceptance.Answers;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>
/// Bearer tokens checked at the edge against a JWKS file, with keys made by the test. One issuer, downstream
/// and gateway serve all the tests (an RSA key and a gateway per test would be slow); each test counts the
/// downstream's requests from where it starts.
/// </summary>
public sealed class AuthenticationTests : AcceptanceTest
{
    private AcceptanceDownstream _downstream = null!;
    private TokenIssuer _issuer = null!;
    private TestGateway _gateway = null!;
    private int _countBefore;

    [OneTimeSetUp]
    public async Task StartIssuerDownstreamAndGateway()
    {
        var folder = TrackForFixture(new TempDirectory("comet-gateway-jwks"));
        _issuer = TrackForFixture(new TokenIssuer(Path.Combine(folder.Path, "jwks.json")));
        _downstream = TrackForFixture(await AcceptanceDownstream.StartAsync());
        _gateway = TrackForFixture(TestGateway.InMemory(GatewayConfig.With(
            Route.To("/secure/{everything}", "/{everything}", _downstream).RequiringBearer() with
            {
                AddHeadersToRequest = new Dictionary<string, string>
                {
                    ["X-User"] = "Claims[sub] > value",
                    ["X-Team"] = "Claims[groups] > value[1] > |",
                },
            },
            Route.To("/admin/{everything}", "/admin/{everything}", _downstream).RequiringBearer() with
            {
                RouteClaimsRequirement = new Dictionary<string, string> { ["role"] = "admin" },
            },
            Route.To("/open/{everything}", "/open/{everything}", _downstream)),
            _issuer.GatewaySettings()));
    }

    [SetUp]
    public void NoteTheDownstreamCount() => _countBefore = _downstream.Count;

    private int ReachedDownstream => _downstream.Count - _countBefore;

    private async Task<HttpResponseMessage> Send(string path, string? token, params (string Name, string Value)[] headers)
    {
        using var request = Get(path, headers);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _gateway.Client.SendAsync(request);
    }

    private async Task AssertUnauthorized(HttpResponseMessage response)
    {
        await ProblemOf(response, 401);
        Assert.That(response.Headers.WwwAuthenticate.Select(h => h.Scheme), Has.Some.EqualTo("Bearer"), "WWW-Authenticate: Bearer ...");
        AssertSecurityHeaders(response, "401");
        Assert.That(ReachedDownstream, Is.Zero, "the downstream is not called");
    }

    [Test]
    public async Task A_valid_token_is_let_through()
    {
        using var response = await Send("/secure/cards", _issuer.Token());

        var seen = await EchoOf(response);
        Assert.That(seen.Path, Is.EqualTo("/cards"));
    }

    [Test]
    public async Task A_missing_token_is_a_401_with_a_bearer_challenge()
    {
        using var response = await Send("/secure/cards", token: null);

        await AssertUnauthorized(response);
    }

    [Test]
    public async Task An_expired_token_is_a_401()
    {
        using var response = await Send("/secure/cards", _issuer.Token(expires: DateTime.UtcNow.AddMinutes(-5)));

        await AssertUnauthorized(response);
    }

    [Test]
    public async Task A_token_expired_within_the_30_second_clock_skew_is_still_accepted()
    {
        using var response = await Send("/secure/cards", _issuer.Token(expires: DateTime.UtcNow.AddSeconds(-5)));

        await EchoOf(response);
    }

    [Test]
    public async Task A_token_signed_by_another_key_with_a_known_kid_is_a_401()
    {
        using var forger = new SigningKey(_issuer.Key.Kid);

        using var response = await Send("/secure/cards", _issuer.Token(signWith: forger));

        await AssertUnauthorized(response);
    }

    [Test]
    public async Task A_token_with_an_unknown_kid_is_a_401()
    {
        using var stranger = new SigningKey("key-nobody-published");

        using var response = await Send("/secure/cards", _issuer.Token(signWith: stranger));

        await AssertUnauthorized(response);
    }

    [Test]
    public async Task A_token_for_another_issuer_is_a_401()
    {
        using var response = await Send("/secure/cards", _issuer.Token(issuer: "https://evil.example/"));

        await AssertUnauthorized(response);
    }

    [Test]
    public async Task A_token_for_another_audience_is_a_401()
    {
        using var response = await Send("/secure/cards", _issuer.Token(audience: "someone-else"));

        await AssertUnauthorized(response);
    }

    [Test]
    public async Task A_malformed_token_is_a_401()
    {
        using var response = await Send("/secure/cards", "not.a.jwt");

        await AssertUnauthorized(response);
    }

    [TestCase(null, TestName = "{m}(claim missing)")]
    [TestCase("user", TestName = "{m}(other value)")]
    public async Task An_unmet_claims_requirement_is_a_403(string? role)
    {
        var claims = role is null ? null : new Dictionary<string, object> { ["role"] = role };

        using var response = await Send("/admin/cards", _issuer.Token(claims: claims));

        await ProblemOf(response, 403);
        Assert.That(ReachedDownstream, Is.Zero, "the downstream is not called");
    }

    [Test]
    public async Task A_met_claims_requirement_is_let_through()
    {
        using var response = await Send("/admin/cards", _issuer.Token(claims: new Dictionary<string, object> { ["role"] = "admin" }));

        Assert.That((await EchoOf(response)).Path, Is.EqualTo("/admin/cards"));
    }

    [Test]
    public async Task Claims_become_request_headers_and_client_sent_copies_are_removed()
    {
        var token = _issuer.Token(subject: "alice", claims: new Dictionary<string, object> { ["groups"] = "ops|devs|qa" });

        using var response = await Send("/secure/cards", token, ("X-User", "mallory"), ("X-Team", "admins"));

        var seen = await EchoOf(response);
        Assert.Multiple(() =>
        {
            Assert.That(seen.Header("X-User"), Is.EqualTo("alice"), "the spoofed X-User is replaced by the claim");
            Assert.That(seen.Header("X-Team"), Is.EqualTo("devs"), "value[1] of the groups claim split at |");
        });
    }

    [Test]
    public async Task A_route_without_authentication_needs_no_token()
    {
        using var response = await Send("/open/cards", token: null);

        Assert.That((await EchoOf(response)).Path, Is.EqualTo("/open/cards"));
    }

    [Test]
    public async Task A_key_added_to_the_jwks_file_is_accepted_without_a_restart()
    {
        using var rotated = new SigningKey("key-2");
        var token = _issuer.Token(signWith: rotated);
        using (var before = await Send("/secure/cards", token))
            Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "key-2 is not published yet");

        _issuer.PublishKeys(_issuer.Key, rotated);

        await Eventually.Until(async () =>
        {
            using var response = await Send("/secure/cards", token);
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(10), "a token signed with the newly published key being accepted");
    }
}
