using System.Security.Cryptography;
using System.Text;
using Comet.Infrastructure.Artifacts;
using Comet.Infrastructure.Configuration;
using Comet.TestSupport;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;

namespace Comet.Infrastructure.Tests.Artifacts;

public sealed class FileArtifactStoreTests
{
    private TempDirectory _data = null!;
    private FileArtifactStore _store = null!;

    [SetUp]
    public void CreateStore()
    {
        _data = new TempDirectory("comet-artifacts");
        _store = new FileArtifactStore(Options.Create(new CometOptions { DataDir = _data.Path }));
    }

    [TearDown]
    public void DeleteStore() => _data.Dispose();

    private static MemoryStream Content(string text) => new(Encoding.UTF8.GetBytes(text));

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Test]
    public async Task Content_is_kept_under_its_sha256_and_read_back_byte_for_byte()
    {
        var stored = await _store.SaveAsync(Content("hello artifact\n"), maxBytes: 1024, CancellationToken.None);

        Assert.That(stored, Is.EqualTo(new Application.Common.Interfaces.StoredContent(Sha("hello artifact\n"), 15)));
        var path = Path.Combine(_data.Path, "artifacts", "sha256", stored!.Sha256[..2], stored.Sha256);
        Assert.That(File.ReadAllText(path), Is.EqualTo("hello artifact\n"));
        await using var read = _store.OpenRead(stored.Sha256)!;
        Assert.That(await new StreamReader(read).ReadToEndAsync(), Is.EqualTo("hello artifact\n"));
        Assert.That(Directory.GetFiles(Path.Combine(_data.Path, "artifacts", "incoming")), Is.Empty, "no temporary file is left");
    }

    [Test]
    public async Task The_same_content_twice_is_kept_once_and_saving_it_again_makes_it_young()
    {
        var first = await _store.SaveAsync(Content("same"), 1024, CancellationToken.None);
        var path = Path.Combine(_data.Path, "artifacts", "sha256", first!.Sha256[..2], first.Sha256);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-2));

        var second = await _store.SaveAsync(Content("same"), 1024, CancellationToken.None);

        Assert.That(second, Is.EqualTo(first));
        Assert.That(_store.List().ToList(), Has.Count.EqualTo(1));
        Assert.That(_store.List().Single().LastWrittenUtc, Is.GreaterThan(DateTime.UtcNow.AddMinutes(-1)));
    }

    [Test]
    public async Task Content_longer_than_the_limit_is_not_kept()
    {
        var stored = await _store.SaveAsync(Content(new string('x', 2000)), maxBytes: 1999, CancellationToken.None);

        Assert.That(stored, Is.Null);
        Assert.That(_store.List(), Is.Empty);
        Assert.That(Directory.GetFiles(Path.Combine(_data.Path, "artifacts", "incoming")), Is.Empty);
    }

    [Test]
    public async Task Deleted_content_is_gone_and_names_that_are_not_a_sha256_never_become_paths()
    {
        var stored = await _store.SaveAsync(Content("bye"), 1024, CancellationToken.None);
        File.WriteAllText(Path.Combine(_data.Path, "outside.txt"), "secret");

        _store.Delete(stored!.Sha256);

        Assert.Multiple(() =>
        {
            Assert.That(_store.OpenRead(stored.Sha256), Is.Null);
            Assert.That(_store.List(), Is.Empty);
            Assert.That(_store.OpenRead("../../outside.txt"), Is.Null);
            Assert.That(_store.OpenRead(Sha("bye").ToUpperInvariant()), Is.Null);
            Assert.DoesNotThrow(() => _store.Delete("../../outside.txt"));
            Assert.That(File.Exists(Path.Combine(_data.Path, "outside.txt")), Is.True);
        });
    }
}

public sealed class ArtifactUrlKeyTests
{
    [Test]
    public void A_key_is_made_once_per_data_folder_readable_by_its_owner_only_and_read_again_by_the_next_process()
    {
        using var data = new TempDirectory("comet-keys");
        var comet = Options.Create(new CometOptions { DataDir = data.Path });

        var first = new ArtifactUrlKey(comet, Options.Create(new ArtifactKeyOptions())).Key;
        var second = new ArtifactUrlKey(comet, Options.Create(new ArtifactKeyOptions())).Key;

        var path = Path.Combine(data.Path, "keys", "artifact-urls.key");
        Assert.That(first, Has.Length.EqualTo(32));
        Assert.That(second, Is.EqualTo(first));
        if (!OperatingSystem.IsWindows())
            Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void A_configured_key_wins_so_several_nodes_sign_alike_and_a_short_one_is_refused_at_start()
    {
        using var data = new TempDirectory("comet-keys");
        var configured = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

        var key = new ArtifactUrlKey(Options.Create(new CometOptions { DataDir = data.Path }), Options.Create(new ArtifactKeyOptions { SigningKey = configured })).Key;

        Assert.That(key, Is.EqualTo(Convert.FromBase64String(configured)));
        Assert.That(File.Exists(Path.Combine(data.Path, "keys", "artifact-urls.key")), Is.False);
        var validator = new ArtifactKeyOptionsValidator();
        Assert.That(validator.Validate(null, new ArtifactKeyOptions { SigningKey = Convert.ToBase64String(new byte[16]) }).FailureMessage,
            Does.Contain("at least 32 bytes"));
        Assert.That(validator.Validate(null, new ArtifactKeyOptions { SigningKey = "not base64!" }).FailureMessage, Does.Contain("not base64"));
    }
}
