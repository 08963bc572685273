using System.Security.Cryptography;
using System.Text;
using Comet.Application.Webhooks;
using Comet.Domain.Projects;

namespace Comet.Application.Tests.Webhooks;

public sealed class WebhookSignatureTests
{
    private const string Secret = "3f9c2a71e4b85d06a1c7f2e9b3d4a5c6e7f8091a2b3c4d5e6f708192a3b4c5d6";
    private static readonly byte[] Body = Payload.Bytes(GithubPayloads.Push);

    private static string Hmac(string secret, byte[] body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static byte[] Tampered()
    {
        var copy = (byte[])Body.Clone();
        var at = Array.IndexOf(copy, (byte)'m', 20);
        copy[at] = (byte)'n';
        return copy;
    }

    [Test]
    public void Github_signature_matches_the_example_from_githubs_documentation()
    {
        var body = Encoding.UTF8.GetBytes("Hello, World!");

        var valid = WebhookSignature.Verify(Forge.Github, "It's a Secret to Everybody", body,
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");

        Assert.That(valid, Is.True);
    }

    [Test]
    public void Github_signature_of_the_body_with_the_secret_is_accepted()
    {
        Assert.That(WebhookSignature.Verify(Forge.Github, Secret, Body, "sha256=" + Hmac(Secret, Body)), Is.True);
    }

    [Test]
    public void Github_signature_hex_is_case_insensitive()
    {
        Assert.That(WebhookSignature.Verify(Forge.Github, Secret, Body, "sha256=" + Hmac(Secret, Body).ToUpperInvariant()), Is.True);
    }

    [Test]
    public void Github_signature_of_a_tampered_body_is_refused()
    {
        Assert.That(WebhookSignature.Verify(Forge.Github, Secret, Tampered(), "sha256=" + Hmac(Secret, Body)), Is.False);
    }

    [Test]
    public void Github_signature_made_with_another_secret_is_refused()
    {
        Assert.That(WebhookSignature.Verify(Forge.Github, Secret, Body, "sha256=" + Hmac("not-the-secret", Body)), Is.False);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("sha256=")]
    public void Github_missing_signature_is_refused(string? header)
    {
        Assert.That(WebhookSignature.Verify(Forge.Github, Secret, Body, header), Is.False);
    }

    [Test]
    public void Github_signature_without_the_sha256_prefix_is_refused()
    {
        Assert.That(WebhookSignature.Verify(Forge.Github, Secret, Body, Hmac(Secret, Body)), Is.False);
    }

    [Test]
    public void Github_legacy_sha1_header_value_is_refused()
    {
        var sha1 = Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Secret), Body));

        Assert.That(WebhookSignature.Verify(Forge.Github, Secret, Body, "sha1=" + sha1), Is.False);
    }

    [Test]
    public void Github_signature_with_the_right_hmac_under_a_wrong_prefix_is_refused()
    {
        Assert.That(WebhookSignature.Verify(Forge.Github, Secret, Body, "sha512=" + Hmac(Secret, Body)), Is.False);
    }

    [Test]
    public void Github_signature_that_is_not_hex_or_has_the_wrong_length_is_refused()
    {
        var hex = Hmac(Secret, Body);

        Assert.Multiple(() =>
        {
            Assert.That(WebhookSignature.Verify(Forge.Github, Secret, Body, "sha256=" + hex[..^2]), Is.False);
            Assert.That(WebhookSignature.Verify(Forge.Github, Secret, Body, "sha256=" + hex + "00"), Is.False);
            Assert.That(WebhookSignature.Verify(Forge.Github, Secret, Body, "sha256=" + hex[..^1] + "g"), Is.False);
        });
    }

    [Test]
    public void An_empty_secret_verifies_nothing_even_a_correct_hmac()
    {
        Assert.Multiple(() =>
        {
            Assert.That(WebhookSignature.Verify(Forge.Github, "", Body, "sha256=" + Hmac("", Body)), Is.False);
            Assert.That(WebhookSignature.Verify(Forge.Gitea, "", Body, Hmac("", Body)), Is.False);
            Assert.That(WebhookSignature.Verify(Forge.Gitlab, "", Body, ""), Is.False);
        });
    }

    [Test]
    public void Gitlab_token_equal_to_the_secret_is_accepted()
    {
        Assert.That(WebhookSignature.Verify(Forge.Gitlab, Secret, Body, Secret), Is.True);
    }

    [Test]
    public void Gitlab_token_does_not_depend_on_the_body()
    {
        Assert.That(WebhookSignature.Verify(Forge.Gitlab, Secret, Tampered(), Secret), Is.True);
    }

    [TestCase(null)]
    [TestCase("")]
    public void Gitlab_missing_token_is_refused(string? header)
    {
        Assert.That(WebhookSignature.Verify(Forge.Gitlab, Secret, Body, header), Is.False);
    }

    [Test]
    public void Gitlab_wrong_token_is_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(WebhookSignature.Verify(Forge.Gitlab, Secret, Body, "guess"), Is.False);
            Assert.That(WebhookSignature.Verify(Forge.Gitlab, Secret, Body, Secret[..^1]), Is.False);
            Assert.That(WebhookSignature.Verify(Forge.Gitlab, Secret, Body, Secret + "0"), Is.False);
            Assert.That(WebhookSignature.Verify(Forge.Gitlab, "Token", Body, "token"), Is.False);
        });
    }

    [Test]
    public void Gitlab_token_sent_as_an_hmac_is_refused()
    {
        Assert.That(WebhookSignature.Verify(Forge.Gitlab, Secret, Body, "sha256=" + Hmac(Secret, Body)), Is.False);
    }

    [TestCase(Forge.Gitea)]
    [TestCase(Forge.Generic)]
    public void Gitea_signature_of_the_body_is_accepted_in_either_case(Forge forge)
    {
        Assert.Multiple(() =>
        {
            Assert.That(WebhookSignature.Verify(forge, Secret, Body, Hmac(Secret, Body)), Is.True);
            Assert.That(WebhookSignature.Verify(forge, Secret, Body, Hmac(Secret, Body).ToUpperInvariant()), Is.True);
        });
    }

    [TestCase(Forge.Gitea)]
    [TestCase(Forge.Generic)]
    public void Gitea_signature_of_a_tampered_body_is_refused(Forge forge)
    {
        Assert.That(WebhookSignature.Verify(forge, Secret, Tampered(), Hmac(Secret, Body)), Is.False);
    }

    [TestCase(null)]
    [TestCase("")]
    public void Gitea_missing_signature_is_refused(string? header)
    {
        Assert.That(WebhookSignature.Verify(Forge.Gitea, Secret, Body, header), Is.False);
    }

    [Test]
    public void Gitea_signature_with_a_github_style_prefix_is_refused()
    {
        Assert.That(WebhookSignature.Verify(Forge.Gitea, Secret, Body, "sha256=" + Hmac(Secret, Body)), Is.False);
    }

    [Test]
    public void Gitea_signature_made_with_another_secret_is_refused()
    {
        Assert.That(WebhookSignature.Verify(Forge.Gitea, Secret, Body, Hmac("another", Body)), Is.False);
    }

    [Test]
    public void Signature_over_an_empty_body_is_checked_like_any_other()
    {
        byte[] empty = [];

        Assert.Multiple(() =>
        {
            Assert.That(WebhookSignature.Verify(Forge.Github, Secret, empty, "sha256=" + Hmac(Secret, empty)), Is.True);
            Assert.That(WebhookSignature.Verify(Forge.Github, Secret, empty, "sha256=" + Hmac(Secret, Body)), Is.False);
        });
    }
}
