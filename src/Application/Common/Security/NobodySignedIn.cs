using Comet.Application.Common.Interfaces;

namespace Comet.Application.Common.Security;

/// <summary>The current user of work that no request started: the system itself.</summary>
public sealed class NobodySignedIn : ICurrentUser
{
    public bool IsSystem => true;
    public Guid? UserId => null;
    public string? Username => null;
    public bool IsAdmin => false;
    public string? ClientAddress => null;
    public IReadOnlySet<string>? Scopes => null;
}
