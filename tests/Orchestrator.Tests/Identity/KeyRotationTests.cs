using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Comet.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>Rotating the signing key: add a second key, both verify; remove the old one, its tokens stop working.</summary>
public sealed class KeyRotationTests
{
    private static async Task<string> AccessToken(HttpClient client)
    {
        using var login = await client.PostAsJsonAsync("/auth/login", new { username = OrchestratorFactory.AdminName, password = OrchestratorFactory.AdminPassword });
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static async Task<HttpStatusCode> Me(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Test]
    public async Task A_second_key_signs_new_tokens_while_the_old_one_still_verifies_until_it_is_removed()
    {
        using var dataDir = new TempDirectory("comet-key-rotation");
        string oldToken, oldKeyFile;
        using (var first = new OrchestratorFactory(dataDir: dataDir.Path))
        using (var client = first.CreateClient())
        {
            oldToken = await AccessToken(client);
            oldKeyFile = Directory.GetFiles(Path.Combine(dataDir.Path, "keys"), "signing-*.pem").Single();
        }

        // The operator adds a new key file (newer than the old one) and restarts.
        using (var rsa = RSA.Create(2048))
            await File.WriteAllTextAsync(Path.Combine(dataDir.Path, "keys", "signing-rotated.pem"), rsa.ExportPkcs8PrivateKeyPem());
        File.SetLastWriteTimeUtc(oldKeyFile, DateTime.UtcNow.AddDays(-1));
        using (var second = new OrchestratorFactory(dataDir: dataDir.Path))
        using (var client = second.CreateClient())
        {
            var newToken = await AccessToken(client);
            var jwks = await client.GetFromJsonAsync<JsonElement>("/.well-known/jwks.json");
            Assert.Multiple(async () =>
            {
                Assert.That(new JsonWebToken(newToken).Kid, Is.EqualTo("rotated"), "the newest key signs");
                Assert.That(jwks.GetProperty("keys").GetArrayLength(), Is.EqualTo(2), "both keys are published");
                Assert.That(await Me(client, oldToken), Is.EqualTo(HttpStatusCode.OK), "tokens of the old key still verify");
                Assert.That(await Me(client, newToken), Is.EqualTo(HttpStatusCode.OK));
            });
        }

        File.Delete(oldKeyFile);
        using (var third = new OrchestratorFactory(dataDir: dataDir.Path))
        using (var client = third.CreateClient())
            Assert.That(await Me(client, oldToken), Is.EqualTo(HttpStatusCode.Unauthorized), "the old key is gone, and so are its tokens");
    }
}
