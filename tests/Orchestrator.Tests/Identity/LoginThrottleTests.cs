using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>Repeated failed sign-ins are refused for a while, for real and unknown usernames alike.</summary>
public sealed class LoginThrottleTests
{
    private OrchestratorFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _factory = new OrchestratorFactory(new Dictionary<string, string?>
        {
            ["Identity:BootstrapAdmin"] = "owner:right-password",
            ["Identity:LoginThrottle:LockAfter"] = "3",
            ["Identity:LoginThrottle:SlowAfter"] = "100", // no waiting in these tests
        });
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private Task<HttpResponseMessage> LogIn(string username, string password) =>
        _client.PostAsJsonAsync("/auth/login", new { username, password });

    private async Task FailThreeTimes(string username)
    {
        for (var i = 0; i < 3; i++)
        {
            using var failed = await LogIn(username, "guess-" + i);
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
    }

    [Test]
    public async Task After_the_limit_even_the_right_password_is_refused_with_retry_after()
    {
        await FailThreeTimes("owner");

        using var refused = await LogIn("owner", "right-password");

        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(refused.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.FromMinutes(10)), "refused for the lock duration (15 minutes)");
        var detail = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.That(detail, Is.EqualTo("Too many failed sign-ins. Wait and try again."));
    }

    [Test]
    public async Task An_unknown_username_is_refused_the_same_way()
    {
        await FailThreeTimes("nobody-" + Guid.NewGuid().ToString("N")[..8]);
        var unknown = "ghost-" + Guid.NewGuid().ToString("N")[..8];
        await FailThreeTimes(unknown);

        using var refused = await LogIn(unknown, "anything");

        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "no hint that the user does not exist");
    }

    [Test]
    public async Task Failures_for_one_username_do_not_lock_out_another()
    {
        await FailThreeTimes("someone-else");

        using var other = await LogIn("stranger", "x");

        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
