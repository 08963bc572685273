using Comet.Domain.Projects;

namespace Comet.Domain.Tests;

public class SlugTests
{
    [TestCase("My App", "my-app")]
    [TestCase("  Hello,  World!! ", "hello-world")]
    [TestCase("Café Crème", "cafe-creme")]
    [TestCase("API_v2.0", "api-v2-0")]
    [TestCase("!!!", "")]
    [TestCase("", "")]
    [TestCase("--leading and trailing--", "leading-and-trailing")]
    [TestCase("comet", "comet")]
    public void Name_becomes_a_lowercase_dashed_slug(string name, string expected)
    {
        Assert.That(Slug.FromName(name), Is.EqualTo(expected));
    }

    [Test]
    public void Precomposed_and_decomposed_accents_give_the_same_slug()
    {
        var precomposed = "Caf\u00e9";
        var decomposed = "Cafe\u0301";

        Assert.Multiple(() =>
        {
            Assert.That(Slug.FromName(precomposed), Is.EqualTo("cafe"));
            Assert.That(Slug.FromName(decomposed), Is.EqualTo("cafe"));
        });
    }

    [Test]
    public void Very_long_name_is_cut_to_the_maximum_length()
    {
        var slug = Slug.FromName(new string('x', 100));

        Assert.Multiple(() =>
        {
            Assert.That(Slug.MaxLength, Is.EqualTo(64));
            Assert.That(slug, Is.EqualTo(new string('x', 64)));
        });
    }

    [Test]
    public void Long_name_cut_at_a_dash_does_not_end_with_a_dash()
    {
        // 63 letters, then a separator: the 64th slug character would be the dash.
        var name = new string('a', 63) + " Tail Words Here";

        var slug = Slug.FromName(name);

        Assert.Multiple(() =>
        {
            Assert.That(slug, Is.EqualTo(new string('a', 63)));
            Assert.That(slug, Does.Not.EndWith("-"));
        });
    }

    [Test]
    public void Long_multi_word_name_is_at_most_64_chars_of_letters_digits_and_single_dashes()
    {
        var name = string.Join(" ", Enumerable.Repeat("Continuous Integration!", 10));

        var slug = Slug.FromName(name);

        Assert.Multiple(() =>
        {
            Assert.That(slug, Has.Length.LessThanOrEqualTo(64));
            Assert.That(slug, Does.Match("^[a-z0-9]+(-[a-z0-9]+)*$"));
            Assert.That(slug, Does.StartWith("continuous-integration-continuous-integration"));
        });
    }
}
