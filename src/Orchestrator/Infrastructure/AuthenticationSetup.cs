using System.Security.Claims;
using Comet.Application.Identity.Commands;
using Comet.Application.Identity.Queries;
using Comet.Infrastructure.Configuration;
using Comet.Infrastructure.Identity;
using MediatR;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;
using Comet.Hosting;

namespace Comet.Orchestrator.Infrastructure;

/// <summary>The orchestrator checks access tokens itself (its own keys), so it cannot be used around the gateway.</summary>
public static class AuthenticationSetup
{
    private const string BearerScheme = "JwtOrPersonalAccessToken";

    public static IServiceCollection AddCometAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        // One bearer header, two kinds of token: personal access tokens start with "cpat_", the rest are JWTs.
        services.AddAuthentication(BearerScheme)
            .AddPolicyScheme(BearerScheme, "JWT or personal access token", o => o.ForwardDefaultSelector = context =>
                PersonalAccessTokenAuthentication.IsPersonalAccessToken(context.Request)
                    ? PersonalAccessTokenAuthentication.SchemeName
                    : JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, PersonalAccessTokenAuthentication>(PersonalAccessTokenAuthentication.SchemeName, null)
            .AddCometOAuth(configuration);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeys, IOptions<CometIdentityOptions>>((bearer, keys, identity) =>
            {
                bearer.MapInboundClaims = false; // keep "sub" as the token names it
                bearer.TokenValidationParameters = JwtAccessTokens.ValidationParameters(keys, identity.Value);
                bearer.Events = new JwtBearerEvents { OnTokenValidated = SignInSubjectAsync };
            });
        services.AddAuthorization();
        services.AddHttpContextAccessor();
        services.AddScoped<Comet.Application.Common.Interfaces.ICurrentUser, HttpCurrentUser>();
        return services;
    }

    /// <summary>
    /// A validly signed token only says who: the account, its role and its existence come from the database now. A
    /// token whose user was deleted is refused (401) although its signature and lifetime are fine.
    /// </summary>
    private static async Task SignInSubjectAsync(TokenValidatedContext context)
    {
        var user = Guid.TryParse(context.Principal?.FindFirstValue("sub"), out var id)
            ? await context.HttpContext.RequestServices.GetRequiredService<IMediator>()
                .Send(new ResolveAccessTokenSubjectQuery(id, context.Principal!.FindFirstValue(JwtAccessTokens.StampClaim)), context.HttpContext.RequestAborted)
            : null;
        if (user is null)
        {
            context.Fail("The token's user does not exist (any more), or its password was changed after the token was issued.");
            return;
        }
        context.Principal = SignedInAccount.SignIn(context.HttpContext, user, scopes: null, JwtBearerDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// Creates the first admin on an empty database. A generated password is written once to
    /// {data}/initial-admin-password (mode 0600) — never to a log — and the console says where it is.
    /// </summary>
    public static async Task BootstrapAdminAsync(this WebApplication app)
    {
        // The signing key is made now, on first start, not at the first sign-in.
        app.Services.GetRequiredService<SigningKeys>();
        using var scope = app.Services.CreateScope();
        var identity = scope.ServiceProvider.GetRequiredService<IOptions<CometIdentityOptions>>().Value;
        var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new BootstrapAdminCommand(identity.BootstrapAdmin));
        if (result.Username is null) return;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Comet.Bootstrap");
        if (result.GeneratedPassword is null)
        {
            logger.LogInformation("Created the admin {Username} from COMET_BOOTSTRAP_ADMIN", result.Username);
            return;
        }
        var dataDir = scope.ServiceProvider.GetRequiredService<IOptions<CometOptions>>().Value.DataDirFullPath;
        var path = Path.Combine(dataDir, "initial-admin-password");
        // Never overwritten: a file that is there belongs to an earlier database, and replacing it hid that once.
        if (File.Exists(path))
        {
            logger.LogWarning("Created the admin {Username} with a random password, but {Path} already exists (from an earlier database) and was left alone; run ./dev.sh reset-admin for a password that works", result.Username, path);
            return;
        }
        await using (var file = PrivateFile.Create(path, overwrite: false))
            await file.WriteLineAsync(result.GeneratedPassword);
        logger.LogWarning("Created the admin {Username} with a random password, written to {Path}; sign in and change it", result.Username, path);
    }
}
