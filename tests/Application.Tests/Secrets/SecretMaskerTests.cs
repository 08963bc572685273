using System.Text;
using Comet.Application.Common.Interfaces;
using Comet.Application.Secrets;

namespace Comet.Application.Tests.Secrets;

/// <summary>The masker's rules on their own; real steps printing each form are in the orchestrator's SecretMaskingTests.</summary>
public sealed class SecretMaskerTests
{
    [Test]
    public void The_raw_value_is_masked_wherever_it_is_in_a_line()
    {
        var masker = SecretMasker.For(["hunter2"]);

        Assert.That(masker.Apply("token=hunter2;again hunter2"), Is.EqualTo("token=***;again ***"));
    }

    [Test]
    public void Lines_of_a_multi_line_value_are_masked_but_lines_under_four_characters_are_not()
    {
        var masker = SecretMasker.For(["first-line\nend\nthird-line"]);

        Assert.That(new[] { "first-line", "end", "a third-line" }.Select(masker.Apply), Is.EqualTo(new[] { "***", "end", "a ***" }));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    public void The_value_inside_a_longer_base64_text_is_masked_at_each_offset(int offset)
    {
        var value = "correct horse battery staple";
        var masker = SecretMasker.For([value]);
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(new string('p', offset) + value + "-and-some-more"));

        var masked = masker.Apply(encoded);

        Assert.That(masked, Does.Contain("***"));
        Assert.That(masked.Length, Is.LessThan(encoded.Length - 20), "nearly all of the value's characters are gone: " + masked);
    }

    [Test]
    public void A_value_split_across_two_pieces_of_a_line_is_masked_and_nothing_is_lost()
    {
        var masker = SecretMasker.For(["0123456789abcdef"]);
        var inner = new KeptLog();
        var writer = new MaskingLogWriter(inner, masker);

        writer.WriteLinePieceAsync("head 01234567").AsTask().Wait();
        writer.WriteLinePieceAsync("89abcdef tail-piece").AsTask().Wait();
        writer.WriteLineAsync(" end").AsTask().Wait();
        writer.DisposeAsync().AsTask().Wait();

        Assert.That(string.Concat(inner.Lines), Is.EqualTo("head *** tail-piece end"));
        Assert.That(inner.Lines, Has.None.Contains("01234567").And.None.Contains("89abcdef"));
    }

    [Test]
    public void No_secrets_means_no_masking()
    {
        Assert.That(SecretMasker.For([]).IsEmpty, Is.True);
        Assert.That(SecretMasker.None.Apply("***text"), Is.EqualTo("***text"));
    }

    private sealed class KeptLog : IStepLogWriter
    {
        public List<string> Lines { get; } = [];

        public bool Truncated => false;

        public ValueTask WriteLineAsync(string line)
        {
            Lines.Add(line);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
