using System.Security.Claims;
using Comet.Gateway.Routing;

namespace Comet.Gateway.Tests.Units;

public sealed class ClaimHeaderTests
{
    private static ClaimsPrincipal User(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "Bearer"));

    [Test]
    public void Whole_claim_value_is_read()
    {
        var header = ClaimHeader.Parse("X-User", "Claims[sub] > value");

        Assert.That(header, Is.EqualTo(new ClaimHeader("X-User", "sub", null, null)));
        Assert.That(header.ValueFrom(User(("sub", "alice"))), Is.EqualTo("alice"));
    }

    [Test]
    public void Part_of_a_claim_is_read_by_index_and_delimiter()
    {
        var header = ClaimHeader.Parse("X-Team", "Claims[groups] > value[1] > |");

        Assert.That(header, Is.EqualTo(new ClaimHeader("X-Team", "groups", 1, "|")));
        Assert.That(header.ValueFrom(User(("groups", "dev|ops|qa"))), Is.EqualTo("ops"));
    }

    [Test]
    public void Spaces_around_the_arrows_are_optional()
    {
        Assert.That(ClaimHeader.Parse("X", "Claims[sub]>value"), Is.EqualTo(new ClaimHeader("X", "sub", null, null)));
        Assert.That(ClaimHeader.Parse("X", "Claims[g]>value[0]>,"), Is.EqualTo(new ClaimHeader("X", "g", 0, ",")));
    }

    [Test]
    public void Claim_types_may_be_uris()
    {
        const string type = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";

        Assert.That(ClaimHeader.Parse("X-Name", $"Claims[{type}] > value").ValueFrom(User((type, "Ada"))), Is.EqualTo("Ada"));
    }

    [Test]
    public void Missing_claim_gives_no_value()
    {
        Assert.That(ClaimHeader.Parse("X-User", "Claims[sub] > value").ValueFrom(User(("role", "admin"))), Is.Null);
    }

    [Test]
    public void Index_past_the_last_part_gives_no_value()
    {
        var header = ClaimHeader.Parse("X-Team", "Claims[groups] > value[3] > |");

        Assert.That(header.ValueFrom(User(("groups", "dev|ops|qa"))), Is.Null);
    }

    [Test]
    public void Multi_character_delimiter_splits_on_the_whole_delimiter()
    {
        var header = ClaimHeader.Parse("X-Part", "Claims[path] > value[1] > ::");

        Assert.That(header.ValueFrom(User(("path", "a:b::c:d"))), Is.EqualTo("c:d"));
    }

    [TestCase("Claims[sub]")]
    [TestCase("Claims[] > value")]
    [TestCase("sub > value")]
    [TestCase("Claims[sub] > val")]
    [TestCase("Claims[sub] > value > |")]
    [TestCase("Claims[sub] > value[1]")]
    [TestCase("Claims[sub] > value[x] > |")]
    [TestCase("Claims[sub] > value[-1] > |")]
    [TestCase("Claims[sub] > value[1] >  ")]
    [TestCase("Claims[sub] > value[1] > | > extra")]
    [TestCase("")]
    public void Malformed_expression_is_refused_with_the_notation(string expression)
    {
        var error = Assert.Throws<FormatException>(() => ClaimHeader.Parse("X", expression));

        Assert.That(error!.Message, Is.EqualTo(
            $"'{expression}' is not a claim reference; write 'Claims[type] > value' or 'Claims[type] > value[index] > delimiter'."));
    }
}
