using Comet.Application.Identity.Commands;
using Comet.Orchestrator.Infrastructure;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comet.Orchestrator.Endpoints;

/// <summary>Changing one's own password and an admin's reset of someone's.</summary>
public static class PasswordEndpoints
{
    public static void MapPasswordEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/me/password", Change).WithName("ChangePassword").WithTags("Authentication").RequireAuthorization()
            .WithSummary("Change your password {currentPassword, newPassword (12+), revokePersonalAccessTokens?}.")
            .WithDescription("Needs the current password (a wrong one is 403 and counts toward the sign-in lock, like a failed login). "
                + "Every sign-in of the account ends: refresh tokens are revoked and access tokens issued before are refused. "
                + "The answer is a fresh token pair so this session goes on (with refreshTokenInCookie: true, its refresh token "
                + "comes in the comet_refresh cookie, as from POST /auth/login). Personal access tokens keep working unless "
                + "revokePersonalAccessTokens is true. Needs a signed-in session, not a personal access token.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status429TooManyRequests);

        app.MapPost("/api/v1/admin/users/{username}/password", Reset).WithName("ResetPassword").WithTags("Administration").RequireAuthorization()
            .WithSummary("Reset an account's password {password?, mustChangePassword? (true), revokePersonalAccessTokens? (false)} (admins only).")
            .WithDescription("Without a password, a random one-time password is made and returned in this answer only. "
                + "Every sign-in of the account ends. Until the user changes the password (POST /api/v1/me/password), "
                + "the account may only call that, GET /api/v1/me and /auth; everything else answers 403.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<PasswordChangedDto>> Change(ChangePasswordCommand command, HttpContext context, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(RefreshTokenCookie.IssueTo(context, await mediator.Send(command, ct), command.RefreshTokenInCookie));

    private static async Task<Ok<PasswordResetDto>> Reset(string username, ResetPasswordCommand? command, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send((command ?? new ResetPasswordCommand()) with { Username = username }, ct));
}
