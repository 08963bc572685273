using System.Security.Claims;
using Comet.Application.Common.Interfaces;

namespace Comet.Orchestrator.Infrastructure;

/// <summary>The current user from the request's checked token (JWT or personal access token).</summary>
public sealed class HttpCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    private ClaimsPrincipal? Principal => accessor.HttpContext?.User is { Identity.IsAuthenticated: true } user ? user : null;

    public Guid? UserId => Guid.TryParse(Principal?.FindFirstValue("sub"), out var id) ? id : null;
    public string? Username => Principal?.FindFirstValue("name");
    public bool IsAdmin => Principal?.FindFirstValue("role") == "admin";

    public IReadOnlySet<string>? Scopes => Principal?.Identity?.AuthenticationType == PersonalAccessTokenAuthentication.SchemeName
        ? Principal.FindAll("scope").Select(c => c.Value).ToHashSet()
        : null;
    /// <summary>Background workers resolve this outside any request: they act as the system.</summary>
    public bool IsSystem => accessor.HttpContext is null;

    public string? ClientAddress => accessor.HttpContext is { } context ? Infrastructure.ClientAddress.Of(context) : null;
}
