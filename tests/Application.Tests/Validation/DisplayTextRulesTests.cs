using Comet.Application.Common.Validation;
using FluentValidation;

namespace Comet.Application.Tests.Validation;

public sealed class DisplayTextRulesTests
{
    private sealed record Named(string? Name);

    private sealed class NamedValidator : AbstractValidator<Named>
    {
        public NamedValidator() => RuleFor(n => n.Name).PlainDisplayText();
    }

    [TestCase("ab\u202Ecd", "Name contains U+202E RIGHT-TO-LEFT OVERRIDE at position 3.")]
    [TestCase("\0", "Name contains U+0000 NULL at position 1.")]
    [TestCase("x\u0001", "Name contains U+0001 CONTROL CHARACTER at position 2.")]
    [TestCase("x\u009F", "Name contains U+009F CONTROL CHARACTER at position 2.")]
    [TestCase("x\u2069", "Name contains U+2069 POP DIRECTIONAL ISOLATE at position 2.")]
    [TestCase("x\u200E", "Name contains U+200E LEFT-TO-RIGHT MARK at position 2.")]
    [TestCase("x\u202A\u202B", "Name contains U+202A LEFT-TO-RIGHT EMBEDDING at position 2.")]
    public void A_refused_character_is_named_with_its_position(string name, string message)
    {
        var result = new NamedValidator().Validate(new Named(name));

        Assert.That(result.Errors.Select(e => e.ErrorMessage), Is.EqualTo(new[] { message }));
    }

    [TestCase("Shop API")]
    [TestCase("Café — 東京 · مرحبا")]
    [TestCase("emoji 🚀 ok")]
    [TestCase(null)]
    public void Ordinary_text_passes(string? name) =>
        Assert.That(new NamedValidator().Validate(new Named(name)).IsValid, Is.True);
}
