using Comet.Application.Common.Interfaces;
using Comet.Domain.Identity;

namespace Comet.Orchestrator.Infrastructure;

/// <summary>
/// The current user as authentication found them in the database (<see cref="SignedInAccount"/>). A request that
/// authenticated some other way, without that lookup, has no user at all: it fails closed.
/// </summary>
public sealed class HttpCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    private SignedInAccount? Account => accessor.HttpContext?.Features.Get<SignedInAccount>();

    public Guid? UserId => Account?.User.Id;
    public string? Username => Account?.User.Username;
    public bool IsAdmin => Account?.User.Role == SystemRole.Admin;
    public IReadOnlySet<string>? Scopes => Account?.Scopes;

    /// <summary>Background workers resolve this outside any request: they act as the system.</summary>
    public bool IsSystem => accessor.HttpContext is null;

    public string? ClientAddress => accessor.HttpContext is { } context ? Infrastructure.ClientAddress.Of(context) : null;
}
