using System.Security.Claims;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Models;
using Comet.Application.Identity;
using Comet.Application.Identity.Commands;
using Comet.Application.Identity.Queries;
using Comet.Infrastructure.Identity;
using Comet.Orchestrator.Infrastructure;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comet.Orchestrator.Endpoints;

/// <summary>Sign-in and tokens: /auth/login, /auth/refresh, /auth/logout, the public keys, /api/v1/me and its tokens.</summary>
public static class AuthEndpoints
{
    public static void MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").WithTags("Authentication")
            .ProducesProblem(StatusCodes.Status500InternalServerError);
        auth.MapPost("/login", Login).WithName("Login")
            .WithSummary("Sign in with a username and password: an access token (JWT, 15 minutes) and a refresh token.")
            .WithDescription("Send the access token as 'Authorization: Bearer <accessToken>' (Swagger UI: Authorize). Renew it with "
                + "POST /auth/refresh before it expires. Repeated failures are slowed down and then refused with 429 and Retry-After. "
                + "Browsers send refreshTokenInCookie: true: the refresh token then comes only in the cookie comet_refresh (HttpOnly, "
                + "SameSite=Strict, Path=/auth/refresh, Secure over https), never in the body, so no script can read it.")
            .WithRequestExample(ApiExamples.Login).WithResponseExample(StatusCodes.Status200OK, ApiExamples.TokenPair)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/register", Register).WithName("Register")
            .WithSummary("Make your own account {username, password (12+), email?, displayName?} when Identity:Registration:Open is on.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        auth.MapPost("/refresh", Refresh).WithName("RefreshTokens")
            .WithSummary("Exchange a refresh token (the body's, or else the comet_refresh cookie) for a new pair; the old one stops working.")
            .WithDescription("Refresh tokens are single-use: keep the new one from each answer. Presenting a used one again is taken as "
                + "theft and ends the whole sign-in (every token of it). Without a refreshToken in the body, the comet_refresh cookie "
                + "(from POST /auth/login with refreshTokenInCookie: true) is used: the new refresh token replaces it in the cookie and "
                + "the body carries only the access token. A spent or unknown cookie is 401 and the cookie is cleared.")
            .WithRequestExample(ApiExamples.Refresh).WithResponseExample(StatusCodes.Status200OK, ApiExamples.TokenPair)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapDelete("/refresh", EndCookieSignIn).WithName("EndCookieSignIn")
            .WithSummary("End the sign-in of the comet_refresh cookie (as POST /auth/logout does for a body's token) and clear the cookie.")
            .WithDescription("Answers 204 also when there is no cookie or its sign-in has already ended. It lives at /auth/refresh "
                + "because the cookie travels only there.");
        auth.MapPost("/logout", Logout).WithName("Logout")
            .WithSummary("End a sign-in: its refresh tokens stop working.")
            .ProducesValidationProblem();

        app.MapGet("/.well-known/jwks.json", (SigningKeys keys) => TypedResults.Json(keys.Jwks()))
            .WithTags("Authentication").WithName("Jwks").WithSummary("The public keys that verify Comet's access tokens.");

        var me = app.MapGroup("/api/v1/me").WithTags("Authentication").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        me.MapGet("/", Me).WithName("GetMe").WithSummary("The signed-in user.");
        me.MapPost("/tokens", CreateToken).WithName("CreatePersonalAccessToken")
            .WithSummary("Create a personal access token {name, expiresInDays (1–365, default 30), scopes: read|write|admin}; the token is shown this once.")
            .WithDescription("For scripts and the CLI: send it as 'Authorization: Bearer cpat_…' like an access token. It acts as you, "
                + "limited to its scopes (read: GET only; write: also changes; admin: also administration). Revoke it with "
                + "DELETE /api/v1/me/tokens/{id}.")
            .WithRequestExample(ApiExamples.CreateToken).WithResponseExample(StatusCodes.Status201Created, ApiExamples.CreatedToken)
            .ProducesValidationProblem();
        me.MapGet("/tokens", ListTokens).WithName("ListPersonalAccessTokens")
            .WithSummary("The caller's personal access tokens with their last use, never their secrets.");
        me.MapDelete("/tokens/{id:guid}", RevokeToken).WithName("RevokePersonalAccessToken")
            .WithSummary("Revoke a personal access token; it stops working at once.").ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static void MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin").WithTags("Administration").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapPost("/users", CreateUser).WithName("CreateUser")
            .WithSummary("Create an account {username, password (12+ characters), email?, displayName?, role: user|admin} (admins only).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapGet("/audit", ListAudit).WithName("ListAuditEvents")
            .WithSummary("The audit log of security events, newest first; filter by user, action, from, to (admins only).")
            .ProducesValidationProblem();
    }

    private static async Task<Created<UserDto>> CreateUser(CreateUserCommand command, IMediator mediator, CancellationToken ct)
    {
        var created = await mediator.Send(command, ct);
        return TypedResults.Created($"/api/v1/admin/users/{created.Username}", created);
    }

    private static async Task<Ok<Comet.Application.Common.Models.PagedList<AuditEventDto>>> ListAudit(IMediator mediator, CancellationToken ct,
        string? user = null, string? action = null, DateTime? from = null, DateTime? to = null, long page = 1, long pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok(await mediator.Send(new ListAuditEventsQuery
        {
            User = user, Action = action, From = from, To = to, Page = page, PageSize = pageSize,
        }, ct));

    private static Guid UserId(ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue("sub")!);

    private static async Task<Created<CreatedPersonalAccessTokenDto>> CreateToken(CreatePersonalAccessTokenCommand command, ClaimsPrincipal user,
        IMediator mediator, CancellationToken ct)
    {
        var created = await mediator.Send(command with { UserId = UserId(user) }, ct);
        return TypedResults.Created($"/api/v1/me/tokens/{created.Id}", created);
    }

    private static async Task<Ok<IReadOnlyList<PersonalAccessTokenDto>>> ListTokens(ClaimsPrincipal user, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new ListPersonalAccessTokensQuery(UserId(user)), ct));

    private static async Task<NoContent> RevokeToken(Guid id, ClaimsPrincipal user, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(new RevokePersonalAccessTokenCommand(UserId(user), id), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<TokenPairDto>> Login(LoginCommand command, HttpContext context, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(RefreshTokenCookie.IssueTo(context, await mediator.Send(command with { ClientAddress = ClientAddress.Of(context) }, ct),
            command.RefreshTokenInCookie));

    private static async Task<Created<UserDto>> Register(RegisterCommand command, IMediator mediator, CancellationToken ct)
    {
        var user = await mediator.Send(command, ct);
        return TypedResults.Created("/api/v1/me", user);
    }

    /// <summary>A body's token is used as it always was; only without one does the cookie count.</summary>
    private static async Task<Results<Ok<TokenPairDto>, ProblemHttpResult>> Refresh(RefreshTokensCommand? command, HttpContext context,
        IMediator mediator, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(command?.RefreshToken) || RefreshTokenCookie.Read(context.Request) is not { } cookie)
            return TypedResults.Ok(await mediator.Send(command ?? new RefreshTokensCommand(), ct));
        try
        {
            return TypedResults.Ok(RefreshTokenCookie.MoveIntoCookie(context, await mediator.Send(new RefreshTokensCommand { RefreshToken = cookie }, ct)));
        }
        catch (Exception refused) when (refused is UnauthorizedException or FluentValidation.ValidationException)
        {
            // Answered here, not by the exception handler, which would drop the header that clears the cookie.
            RefreshTokenCookie.Clear(context);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: refused is UnauthorizedException ? refused.Message : "The comet_refresh cookie holds no refresh token. Sign in again.");
        }
    }

    private static async Task<NoContent> EndCookieSignIn(HttpContext context, IMediator mediator, CancellationToken ct)
    {
        try
        {
            if (RefreshTokenCookie.Read(context.Request) is { } cookie)
                await mediator.Send(new LogoutCommand { RefreshToken = cookie }, ct);
        }
        catch (FluentValidation.ValidationException)
        {
            // Not a token at all: nothing to end, and the cookie goes all the same.
        }
        RefreshTokenCookie.Clear(context);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Logout(LogoutCommand command, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(command, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<UserDto>> Me(ClaimsPrincipal user, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetMeQuery(UserId(user)), ct));
}
