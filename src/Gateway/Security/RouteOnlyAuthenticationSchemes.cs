using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Comet.Gateway.Security;

/// <summary>
/// The gateway's schemes with no default. Since .NET 7 a single registered scheme becomes the default, and then
/// ASP.NET's automatic authentication middleware verifies every bearer token on every route (an RSA check per request,
/// plain routes included). Here only <see cref="EdgeAuthentication"/> checks a token, for the routes that ask.
/// </summary>
public sealed class RouteOnlyAuthenticationSchemes(IOptions<AuthenticationOptions> options) : AuthenticationSchemeProvider(options)
{
    private static readonly Task<AuthenticationScheme?> None = Task.FromResult<AuthenticationScheme?>(null);

    public override Task<AuthenticationScheme?> GetDefaultAuthenticateSchemeAsync() => None;

    public override Task<AuthenticationScheme?> GetDefaultChallengeSchemeAsync() => None;

    public override Task<AuthenticationScheme?> GetDefaultForbidSchemeAsync() => None;
}
