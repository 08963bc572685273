using System.Security.Claims;
using Comet.Application.Identity.Queries;

namespace Comet.Orchestrator.Infrastructure;

/// <summary>
/// The request's caller, looked up in the database by the token's subject while authenticating (one query per
/// request), and kept as a request feature so it never outlives the request. Scopes are a personal access token's;
/// null for a full sign-in.
/// </summary>
public sealed record SignedInAccount(SignedInUser User, IReadOnlySet<string>? Scopes)
{
    /// <summary>
    /// Records the account for the request and gives the principal it carries: the subject and the stored username,
    /// nothing else from the token, so no code can read a role claim someone wrote into one.
    /// </summary>
    public static ClaimsPrincipal SignIn(HttpContext context, SignedInUser user, IReadOnlyList<string>? scopes, string scheme)
    {
        context.Features.Set(new SignedInAccount(user, scopes?.ToHashSet()));
        Claim[] claims = [new("sub", user.Id.ToString()), new("name", user.Username)];
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, "name", roleType: null));
    }
}
