using Comet.Application.Common.Exceptions;

namespace Comet.Orchestrator.Infrastructure;

/// <summary>
/// After an admin reset, an account holds a password someone else chose: until its owner picks one, its tokens reach
/// only what changing it needs (POST /api/v1/me/password, GET /api/v1/me, and /auth to refresh or log out).
/// Everything else answers 403 problem+json: an allow-list, so a route added later is closed too.
/// </summary>
public static class PasswordChangeGate
{
    public const string Refusal = "Change your password first: an administrator reset it. POST /api/v1/me/password {currentPassword, newPassword}.";

    /// <summary>After authentication, which finds the account (<see cref="SignedInAccount"/>).</summary>
    public static IApplicationBuilder UsePasswordChangeGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Features.Get<SignedInAccount>() is { User.MustChangePassword: true } && !IsAllowed(context.Request))
            throw new ForbiddenException(Refusal);
        await next(context);
    });

    private static bool IsAllowed(HttpRequest request)
    {
        var path = request.Path.Value?.TrimEnd('/') ?? "";
        return path.StartsWith("/auth/", StringComparison.OrdinalIgnoreCase)
            || (HttpMethods.IsGet(request.Method) && path.Equals("/api/v1/me", StringComparison.OrdinalIgnoreCase))
            || (HttpMethods.IsPost(request.Method) && path.Equals("/api/v1/me/password", StringComparison.OrdinalIgnoreCase));
    }
}
