using Comet.Application.Artifacts;
using Comet.Application.Common.Interfaces;

namespace Comet.Application.Tests.Artifacts;

public sealed class ArtifactUrlsTests
{
    private sealed class FixedKey(byte fill) : IArtifactUrlKey
    {
        public byte[] Key { get; } = Enumerable.Repeat(fill, 32).ToArray();
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset Noon = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Artifact = Guid.Parse("0193a4b5-0000-7000-8000-000000000001");

    private static (long Expires, string Signature) Parse(string query)
    {
        var parts = query.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        return (long.Parse(parts["expires"]), parts["signature"]);
    }

    [Test]
    public void A_signature_is_valid_for_its_artifact_until_it_expires()
    {
        var clock = new Clock(Noon);
        var urls = new ArtifactUrls(new FixedKey(1), clock);
        var (expires, signature) = Parse(urls.Sign(Artifact, Noon.AddHours(1)));

        Assert.That(expires, Is.EqualTo(Noon.AddHours(1).ToUnixTimeSeconds()));
        Assert.That(signature, Does.Match("^[0-9a-f]{64}$"));
        Assert.That(urls.Refusal(Artifact, expires, signature), Is.Null);
        clock.Now = Noon.AddMinutes(59);
        Assert.That(urls.Refusal(Artifact, expires, signature.ToUpperInvariant()), Is.Null, "hex case does not matter");
        clock.Now = Noon.AddHours(1);
        Assert.That(urls.Refusal(Artifact, expires, signature), Does.StartWith("the URL expired at 2026-11-22 13:00:00Z"));
    }

    [Test]
    public void Changing_the_artifact_the_expiry_or_any_character_of_the_signature_breaks_it()
    {
        var urls = new ArtifactUrls(new FixedKey(1), new Clock(Noon));
        var (expires, signature) = Parse(urls.Sign(Artifact, Noon.AddHours(1)));
        var flipped = (signature[10] == 'a' ? 'b' : 'a');

        Assert.Multiple(() =>
        {
            Assert.That(urls.Refusal(Guid.CreateVersion7(), expires, signature), Does.Contain("does not match"));
            Assert.That(urls.Refusal(Artifact, expires + 3600, signature), Does.Contain("does not match"), "a later expiry");
            Assert.That(urls.Refusal(Artifact, expires, signature[..10] + flipped + signature[11..]), Does.Contain("does not match"));
            Assert.That(urls.Refusal(Artifact, expires, signature[..^1]), Does.Contain("does not match"), "a shorter signature");
            Assert.That(urls.Refusal(Artifact, expires, null), Is.EqualTo("the URL has no signature"));
        });
    }

    [Test]
    public void A_url_signed_with_another_key_is_refused()
    {
        var (expires, signature) = Parse(new ArtifactUrls(new FixedKey(2), new Clock(Noon)).Sign(Artifact, Noon.AddHours(1)));

        Assert.That(new ArtifactUrls(new FixedKey(1), new Clock(Noon)).Refusal(Artifact, expires, signature), Does.Contain("does not match"));
    }
}
