using Comet.Application.Pipelines;

namespace Comet.Application.Tests.Pipelines;

public sealed class DurationParserTests
{
    private static IEnumerable<TestCaseData> ValidDurations()
    {
        yield return new TestCaseData("30s", TimeSpan.FromSeconds(30));
        yield return new TestCaseData("10m", TimeSpan.FromMinutes(10));
        yield return new TestCaseData("2h", TimeSpan.FromHours(2));
        yield return new TestCaseData("1h30m", TimeSpan.FromMinutes(90));
        yield return new TestCaseData("1h 30m", TimeSpan.FromMinutes(90));
        yield return new TestCaseData("500ms", TimeSpan.FromMilliseconds(500));
        yield return new TestCaseData("1s500ms", TimeSpan.FromMilliseconds(1500));
        yield return new TestCaseData("1d", TimeSpan.FromDays(1));
        yield return new TestCaseData("1d2h3m4s5ms", new TimeSpan(1, 2, 3, 4, 5));
        yield return new TestCaseData("90", TimeSpan.FromSeconds(90));
        yield return new TestCaseData("0", TimeSpan.Zero);
        yield return new TestCaseData(" 10m ", TimeSpan.FromMinutes(10));
    }

    [TestCaseSource(nameof(ValidDurations))]
    public void Valid_duration_parses_to_its_length(string text, TimeSpan expected)
    {
        Assert.That(DurationParser.TryParse(text, out var value), Is.True);
        Assert.That(value, Is.EqualTo(expected));
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("10x")]
    [TestCase("10M")]
    [TestCase("1.5h")]
    [TestCase("-5s")]
    [TestCase("+5s")]
    [TestCase("30m1h")]
    [TestCase("1h1h")]
    [TestCase("h")]
    [TestCase("10 m")]
    [TestCase("5mss")]
    [TestCase("1s500")]
    [TestCase("1e3")]
    [TestCase("ten minutes")]
    [TestCase("99999999999999999999")]
    [TestCase("999999999999999d")]
    public void Invalid_duration_is_rejected(string text)
    {
        Assert.That(DurationParser.TryParse(text, out _), Is.False);
    }
}
