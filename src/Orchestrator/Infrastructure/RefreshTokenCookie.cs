using Comet.Application.Identity;

namespace Comet.Orchestrator.Infrastructure;

/// <summary>
/// The refresh token of a browser sign-in, kept where no script can read it (OWASP's advice for single-page apps): an
/// HttpOnly cookie that travels only to /auth/refresh, and only from Comet's own pages (SameSite=Strict). The access
/// token stays in the page's memory and is renewed there.
/// </summary>
public static class RefreshTokenCookie
{
    public const string Name = "comet_refresh";

    /// <summary>The cookie's path: POST renews, DELETE ends the sign-in; no other request carries it.</summary>
    public const string Path = "/auth/refresh";

    public static string? Read(HttpRequest request) =>
        request.Cookies.TryGetValue(Name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>
    /// Puts the pair's refresh token in the cookie and answers the pair without it. Secure follows the scheme the
    /// client used (after the forwarded-headers step), so a plain-http development set-up still signs in.
    /// </summary>
    public static T MoveIntoCookie<T>(HttpContext context, T pair) where T : TokenPairDto
    {
        context.Response.Cookies.Append(Name, pair.RefreshToken!, Options(context, TokenPairs.RefreshTokenLifetime));
        return pair with { RefreshToken = null };
    }

    public static T IssueTo<T>(HttpContext context, T pair, bool inCookie) where T : TokenPairDto =>
        inCookie ? MoveIntoCookie(context, pair) : pair;

    public static void Clear(HttpContext context) =>
        context.Response.Cookies.Delete(Name, Options(context, maxAge: null));

    private static CookieOptions Options(HttpContext context, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Path = Path,
        Secure = context.Request.IsHttps,
        MaxAge = maxAge,
        IsEssential = true,
    };
}
