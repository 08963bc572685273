using System.Net;
using Comet.Hosting;

namespace Comet.Orchestrator.Tests.Edge;

/// <summary>
/// Whom the orchestrator believes about the client: X-Forwarded-For only from a trusted proxy address that also sends
/// the gateway's proxy key. Straight to the orchestrator's loopback port, a spoofed header changes nothing, so the
/// sign-in lock holds; through the real gateway, the address the gateway saw is the one that counts.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private GatewayInFront _edge = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _edge = await GatewayInFront.StartAsync(new Dictionary<string, string?>
        {
            ["Identity:LoginThrottle:LockAfter"] = "3",
            ["Identity:LoginThrottle:SlowAfter"] = "100", // no waiting in these tests
        });
        _admin = OrchestratorFactory.SignIn(_edge.DirectClient(), OrchestratorFactory.AdminName, OrchestratorFactory.AdminPassword);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _edge.DisposeAsync();
    }

    private string GatewayKey() => File.ReadAllText(Path.Combine(_edge.Orchestrator.DataDir, "keys", "proxy.key")).Trim();

    [Test]
    public async Task A_spoofed_X_Forwarded_For_sent_straight_to_the_orchestrator_is_ignored_and_the_lock_still_holds()
    {
        var user = await EdgeApi.NewUserAsync(_admin, "spoofed");
        using var direct = _edge.DirectClient();

        // Each guess claims another client, as an attacker on this machine would to dodge the lock.
        for (var i = 1; i <= 3; i++)
            Assert.That(await EdgeApi.LogInAsync(direct, user, "guess", new Dictionary<string, string> { ["X-Forwarded-For"] = $"198.51.100.{i}" }),
                Is.EqualTo(HttpStatusCode.Unauthorized));
        var fourth = await EdgeApi.LogInAsync(direct, user, EdgeApi.Password, new Dictionary<string, string> { ["X-Forwarded-For"] = "198.51.100.99" });

        Assert.That(fourth, Is.EqualTo(HttpStatusCode.TooManyRequests), "the guesses counted against the real peer, 127.0.0.1");
        Assert.That(await EdgeApi.FailedSignInAddressesAsync(_admin, user), Is.All.EqualTo("127.0.0.1"));
    }

    [Test]
    public async Task A_forged_proxy_key_does_not_make_the_orchestrator_believe_X_Forwarded_For()
    {
        var user = await EdgeApi.NewUserAsync(_admin, "forged");
        using var direct = _edge.DirectClient();

        await EdgeApi.LogInAsync(direct, user, "guess", new Dictionary<string, string>
        {
            ["X-Forwarded-For"] = "198.51.100.7",
            [ProxyKey.HeaderName] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        });

        Assert.That(await EdgeApi.FailedSignInAddressesAsync(_admin, user), Is.EqualTo(new[] { "127.0.0.1" }));
    }

    [Test]
    public async Task With_the_gateways_key_from_a_trusted_address_X_Forwarded_For_names_the_client()
    {
        var user = await EdgeApi.NewUserAsync(_admin, "keyed");
        using var direct = _edge.DirectClient();

        await EdgeApi.LogInAsync(direct, user, "guess", new Dictionary<string, string>
        {
            ["X-Forwarded-For"] = "198.51.100.1, 203.0.113.9", // the first entry is the client's own claim; the proxy added the last
            [ProxyKey.HeaderName] = GatewayKey(),
        });

        Assert.That(await EdgeApi.FailedSignInAddressesAsync(_admin, user), Is.EqualTo(new[] { "203.0.113.9" }));
    }

    [Test]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // file modes
    public void The_proxy_key_file_is_readable_by_the_server_account_only()
    {
        var path = Path.Combine(_edge.Orchestrator.DataDir, "keys", "proxy.key");

        Assert.Multiple(() =>
        {
            Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(File.GetUnixFileMode(Path.GetDirectoryName(path)!), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
            Assert.That(Convert.FromBase64String(GatewayKey()), Has.Length.EqualTo(32));
        });
    }

    [Test]
    public async Task Through_the_gateway_the_address_the_gateway_saw_counts_not_what_the_client_claims()
    {
        var user = await EdgeApi.NewUserAsync(_admin, "claimed");
        using var client = _edge.GatewayClient(from: "127.0.0.5");

        await EdgeApi.LogInAsync(client, user, "guess", new Dictionary<string, string>
        {
            ["X-Forwarded-For"] = "198.51.100.50",
            [ProxyKey.HeaderName] = "made-up",
        });

        Assert.That(await EdgeApi.FailedSignInAddressesAsync(_admin, user), Is.EqualTo(new[] { "127.0.0.5" }), _edge.GatewayOutput);
    }

    [Test]
    public async Task Another_addresss_guesses_do_not_lock_out_the_real_user_while_the_guesser_is_locked()
    {
        var user = await EdgeApi.NewUserAsync(_admin, "victim");
        using var guesser = _edge.GatewayClient(from: "127.0.0.6");
        using var owner = _edge.GatewayClient(from: "127.0.0.7");

        for (var i = 0; i < 3; i++)
            Assert.That(await EdgeApi.LogInAsync(guesser, user, "guess-" + i), Is.EqualTo(HttpStatusCode.Unauthorized));
        var guesserAgain = await EdgeApi.LogInAsync(guesser, user, EdgeApi.Password);
        var ownerSignsIn = await EdgeApi.LogInAsync(owner, user, EdgeApi.Password);

        Assert.Multiple(() =>
        {
            Assert.That(guesserAgain, Is.EqualTo(HttpStatusCode.TooManyRequests), "the guessing address is locked, even with the right password");
            Assert.That(ownerSignsIn, Is.EqualTo(HttpStatusCode.OK), "the owner, from an address that did not fail, signs in");
        });
    }
}

/// <summary>The proxy key alone is not enough: the request must also come from an address in Comet:TrustedProxies.</summary>
public sealed class UntrustedProxyAddressTests
{
    [Test]
    public async Task With_the_key_but_from_an_address_not_in_TrustedProxies_X_Forwarded_For_is_ignored()
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var port = Comet.TestSupport.FreePort.Next();
        using var orchestrator = new OrchestratorFactory(new Dictionary<string, string?>
        {
            ["Comet:ProxyKey"] = key,
            ["Comet:TrustedProxies:0"] = "10.1.2.3",
        });
        orchestrator.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        orchestrator.StartServer();
        using var admin = OrchestratorFactory.SignIn(orchestrator.CreateClient(), OrchestratorFactory.AdminName, OrchestratorFactory.AdminPassword);
        var user = await EdgeApi.NewUserAsync(admin, "untrusted");

        await EdgeApi.LogInAsync(admin, user, "guess", new Dictionary<string, string>
        {
            ["X-Forwarded-For"] = "203.0.113.9",
            [ProxyKey.HeaderName] = key,
        });

        Assert.That(await EdgeApi.FailedSignInAddressesAsync(admin, user), Is.EqualTo(new[] { "127.0.0.1" }));
    }
}
