namespace Comet.Domain.Identity;

/// <summary>
/// One refresh token, stored as a hash. Each refresh replaces it with a new one of the same family; presenting a
/// token that was already used means it was copied, so the whole family is revoked (theft detection).
/// </summary>
public sealed class RefreshToken
{
    private RefreshToken() { }

    public RefreshToken(Guid userId, Guid familyId, string tokenHash, DateTime createdAt, DateTime expiresAt)
    {
        Id = Guid.CreateVersion7();
        UserId = userId;
        FamilyId = familyId;
        TokenHash = tokenHash;
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public Guid FamilyId { get; private set; }
    public string TokenHash { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }

    /// <summary>When it was exchanged for a new pair; a second use is reuse.</summary>
    public DateTime? UsedAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }

    public bool IsUsable(DateTime now) => UsedAt is null && RevokedAt is null && now < ExpiresAt;

    public void MarkUsed(DateTime now) => UsedAt ??= now;

    public void Revoke(DateTime now) => RevokedAt ??= now;
}
