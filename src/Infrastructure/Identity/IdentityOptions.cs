namespace Comet.Infrastructure.Identity;

/// <summary>Settings under "Identity": who the tokens say issued them and for whom, and how long they live.</summary>
public sealed class CometIdentityOptions
{
    public const string Section = "Identity";

    public string Issuer { get; set; } = "comet";
    public string Audience { get; set; } = "comet-api";
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>"username:password" for the first admin (env COMET_BOOTSTRAP_ADMIN); empty: a random password.</summary>
    public string? BootstrapAdmin { get; set; }
}
