using System.Text.Encodings.Web;
using Comet.Application.Identity.Commands;
using Comet.Application.Identity.Queries;
using MediatR;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Comet.Orchestrator.Infrastructure;

/// <summary>
/// Accepts "Authorization: Bearer cpat_…" personal access tokens, looked up by hash on every request so that a
/// revoked token stops working at once; its owner's role is read with it, so a demotion does too.
/// </summary>
public sealed class PersonalAccessTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IMediator mediator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PersonalAccessToken";

    public static bool IsPersonalAccessToken(HttpRequest request) =>
        request.Headers.Authorization is { Count: > 0 } header
        && header[0]!.StartsWith("Bearer " + CreatePersonalAccessTokenHandler.Prefix, StringComparison.Ordinal);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!IsPersonalAccessToken(Request)) return AuthenticateResult.NoResult();
        var token = Request.Headers.Authorization[0]!["Bearer ".Length..].Trim();
        var owner = await mediator.Send(new ResolvePersonalAccessTokenQuery(token), Context.RequestAborted);
        if (owner is null) return AuthenticateResult.Fail("The personal access token is unknown, revoked or expired.");

        var principal = SignedInAccount.SignIn(Context, owner.User, owner.Scopes, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return Task.CompletedTask;
    }
}
