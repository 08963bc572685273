using System.Runtime.Versioning;
using Comet.Hosting;
using Comet.TestSupport;

namespace Comet.Infrastructure.Tests.Hosting;

/// <summary>The proxy key file: made once by whichever host starts first, read by the other, never replaced.</summary>
[SupportedOSPlatform("linux")] // file modes
public sealed class SharedKeyFileTests
{
    [Test]
    public async Task Hosts_starting_together_all_get_the_one_key_that_was_written()
    {
        using var dir = new TempDirectory("comet-shared-key");
        var path = Path.Combine(dir.Path, "keys", "proxy.key");
        using var go = new ManualResetEventSlim();

        var keys = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
        {
            go.Wait();
            return SharedKeyFile.LoadOrCreate(path);
        })).ToList().Also(_ => go.Set()));

        Assert.Multiple(() =>
        {
            Assert.That(keys.Distinct().ToList(), Has.Count.EqualTo(1), "one winner; the others read its key");
            Assert.That(File.ReadAllText(path), Is.EqualTo(keys[0]));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Has.Length.EqualTo(1), "no temporary files left");
            Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        });
    }

    [Test]
    public void An_existing_key_is_read_not_replaced()
    {
        using var dir = new TempDirectory("comet-shared-key");
        var path = Path.Combine(dir.Path, "proxy.key");
        File.WriteAllText(path, "ZXhpc3Rpbmcga2V5\n");

        Assert.That(SharedKeyFile.LoadOrCreate(path), Is.EqualTo("ZXhpc3Rpbmcga2V5"));
    }
}

internal static class SequenceExtensions
{
    /// <summary>Runs <paramref name="action"/> on a materialized sequence and passes it on.</summary>
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
