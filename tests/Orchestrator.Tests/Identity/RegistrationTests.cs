using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>Registration is by admins unless it is configured open.</summary>
public sealed class RegistrationTests
{
    [Test]
    public async Task Registration_is_closed_by_default()
    {
        using var factory = new OrchestratorFactory();
        using var client = factory.CreateClient();

        using var answer = await client.PostAsJsonAsync("/auth/register", new { username = "newcomer", password = "long enough password" });

        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await answer.Content.ReadAsStringAsync(), Does.Contain("Registration is closed"));
    }

    [Test]
    public async Task When_open_anyone_makes_a_user_account_and_signs_in()
    {
        using var factory = new OrchestratorFactory(new Dictionary<string, string?> { ["Identity:Registration:Open"] = "true" });
        using var client = factory.CreateClient();

        using var registered = await client.PostAsJsonAsync("/auth/register", new { username = "newcomer", password = "long enough password", email = "new@example.com" });
        using var taken = await client.PostAsJsonAsync("/auth/register", new { username = "NEWCOMER", password = "long enough password" });
        using var weak = await client.PostAsJsonAsync("/auth/register", new { username = "weak", password = "short" });
        using var login = await client.PostAsJsonAsync("/auth/login", new { username = "newcomer", password = "long enough password" });

        Assert.Multiple(async () =>
        {
            Assert.That(registered.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That((await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString(), Is.EqualTo("user"));
            Assert.That(taken.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "usernames are unique whatever their case");
            Assert.That(weak.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }
}
