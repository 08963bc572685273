using System.Security.Claims;
using Comet.Application.Identity;
using Comet.Application.Identity.Commands;
using Comet.Application.Identity.Queries;
using Comet.Infrastructure.Identity;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comet.Orchestrator.Endpoints;

/// <summary>Sign-in and tokens: /auth/login, /auth/refresh, /auth/logout, the public keys, and /api/v1/me.</summary>
public static class AuthEndpoints
{
    public static void MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").WithTags("Authentication")
            .ProducesProblem(StatusCodes.Status500InternalServerError);
        auth.MapPost("/login", Login).WithName("Login")
            .WithSummary("Sign in with a username and password: an access token (JWT, 15 minutes) and a refresh token.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapPost("/refresh", Refresh).WithName("RefreshTokens")
            .WithSummary("Exchange a refresh token for a new pair; the old one stops working, and reusing it ends the sign-in.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapPost("/logout", Logout).WithName("Logout")
            .WithSummary("End a sign-in: its refresh tokens stop working.")
            .ProducesValidationProblem();

        app.MapGet("/.well-known/jwks.json", (SigningKeys keys) => TypedResults.Json(keys.Jwks()))
            .WithTags("Authentication").WithName("Jwks").WithSummary("The public keys that verify Comet's access tokens.");

        app.MapGet("/api/v1/me", Me).WithTags("Authentication").WithName("GetMe")
            .WithSummary("The signed-in user.").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
    }

    private static async Task<Ok<TokenPairDto>> Login(LoginCommand command, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(command, ct));

    private static async Task<Ok<TokenPairDto>> Refresh(RefreshTokensCommand command, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(command, ct));

    private static async Task<NoContent> Logout(LogoutCommand command, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(command, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<UserDto>> Me(ClaimsPrincipal user, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetMeQuery(Guid.Parse(user.FindFirstValue("sub")!)), ct));
}
