namespace Comet.Application.Secrets;

/// <summary>A secret as the API shows it: everything but its value, which is never returned.</summary>
public sealed record SecretDto
{
    public required string Name { get; init; }

    /// <summary>instance, project or environment.</summary>
    public required string Scope { get; init; }
    public string? Environment { get; init; }
    public bool File { get; init; }
    public bool AllowForks { get; init; }
    public string? UpdatedBy { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
}
