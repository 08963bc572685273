using Comet.Gateway.Configuration;
using Comet.Gateway.Forwarding;
using Comet.Gateway.Routing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Comet.Gateway.Security;

/// <summary>
/// Checks bearer tokens at the edge: a route with AuthenticationOptions refuses requests without a valid token (401)
/// or without the claims it requires (403). On other routes a valid token still names the client for rate limits.
/// </summary>
public sealed class EdgeAuthentication(IOptions<GatewayOptions> options, GatewayProblems problems)
{
    private readonly bool _jwtConfigured = options.Value.Jwt.IsConfigured;

    /// <summary>True when the request may go on; otherwise the 401/403 has been written.</summary>
    public async Task<bool> AuthenticateAsync(HttpContext context, GatewayRoute route)
    {
        if (route.AuthenticationScheme is null)
        {
            // Only worth checking when a rate limit counts per token subject.
            if (_jwtConfigured && route.RateLimit is not null && HasBearerToken(context.Request))
            {
                var optional = await context.AuthenticateAsync(GatewayOptions.JwtOptions.Scheme);
                if (optional.Succeeded) context.User = optional.Principal;
            }
            return true;
        }

        var result = await context.AuthenticateAsync(route.AuthenticationScheme);
        if (!result.Succeeded)
        {
            // The handler's challenge sets WWW-Authenticate with the reason (RFC 6750); the body says it in words.
            await context.ChallengeAsync(route.AuthenticationScheme);
            await problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", Explain(context.Request, result.Failure));
            return false;
        }
        context.User = result.Principal;

        foreach (var (type, value) in route.RequiredClaims)
        {
            if (context.User.HasClaim(type, value)) continue;
            await problems.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden",
                $"This route needs the claim '{type}' with the value '{value}', which the token does not carry.");
            return false;
        }

        foreach (var header in route.ClaimHeaders)
        {
            // Never pass on a client's own version of a header the gateway vouches for.
            context.Request.Headers.Remove(header.Header);
            if (header.ValueFrom(context.User) is { } claimValue) context.Request.Headers[header.Header] = claimValue;
        }
        return true;
    }

    private static bool HasBearerToken(HttpRequest request) =>
        request.Headers.Authorization is { Count: > 0 } value && value[0]!.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    private static string Explain(HttpRequest request, Exception? failure)
    {
        if (!HasBearerToken(request)) return "This route needs a bearer token: send 'Authorization: Bearer <token>'.";
        var reason = failure switch
        {
            SecurityTokenExpiredException => "it has expired",
            SecurityTokenNotYetValidException => "it is not valid yet",
            SecurityTokenInvalidIssuerException => "it was issued by an issuer this gateway does not trust",
            SecurityTokenInvalidAudienceException => "it is meant for another audience",
            SecurityTokenSignatureKeyNotFoundException => "it is signed with a key this gateway does not know",
            SecurityTokenInvalidSignatureException => "its signature does not verify",
            SecurityTokenInvalidAlgorithmException => "it uses a signing algorithm this gateway does not accept",
            SecurityTokenMalformedException or ArgumentException => "it is not a well-formed JWT",
            _ => "it is not valid",
        };
        return $"The bearer token was refused: {reason}.";
    }

    public static void Configure(JwtBearerOptions bearer, GatewayOptions.JwtOptions jwt, JwksConfigurationManager keys)
    {
        bearer.MapInboundClaims = false; // keep "sub", "role", … as the token names them
        bearer.RequireHttpsMetadata = false;
        bearer.ConfigurationManager = keys;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = !string.IsNullOrWhiteSpace(jwt.Issuer),
            ValidIssuer = jwt.Issuer,
            ValidateAudience = !string.IsNullOrWhiteSpace(jwt.Audience),
            ValidAudience = jwt.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            // Asymmetric signatures only: the gateway holds public keys, never a shared secret.
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
                SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384],
            NameClaimType = "name",
            RoleClaimType = "role",
        };
    }
}
