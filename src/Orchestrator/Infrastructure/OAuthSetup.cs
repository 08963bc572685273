using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Comet.Application.Identity.Commands;
using MediatR;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Mvc;

namespace Comet.Orchestrator.Infrastructure;

/// <summary>One provider's settings under "Identity:OAuth:GitHub" or "Identity:OAuth:GitLab".</summary>
public sealed class OAuthProviderOptions
{
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>Endpoints default to github.com / gitlab.com; set them for GitHub Enterprise or a self-managed GitLab.</summary>
    public string? AuthorizationEndpoint { get; set; }
    public string? TokenEndpoint { get; set; }
    public string? UserInformationEndpoint { get; set; }

    /// <summary>GitHub only: where the account's emails and whether they are verified are listed.</summary>
    public string? EmailsEndpoint { get; set; }
}

/// <summary>
/// Sign-in with GitHub or GitLab through ASP.NET Core's OAuth handler (state and PKCE from the handler). The
/// provider's answer lands in a short-lived cookie; /auth/{provider}/complete turns it into Comet's own tokens.
/// </summary>
public static class OAuthSetup
{
    private const string ExternalScheme = "External";
    private const string Section = "Identity:OAuth";

    private sealed record Provider(string Name, string Scheme, string Authorize, string Token, string User, string? Emails, string[] Scopes);

    private static readonly Provider[] Providers =
    [
        new("github", "GitHub", "https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token",
            "https://api.github.com/user", "https://api.github.com/user/emails", ["read:user", "user:email"]),
        new("gitlab", "GitLab", "https://gitlab.com/oauth/authorize", "https://gitlab.com/oauth/token",
            "https://gitlab.com/api/v4/user", null, ["read_user"]),
    ];

    public static AuthenticationBuilder AddCometOAuth(this AuthenticationBuilder authentication, IConfiguration configuration)
    {
        var any = false;
        foreach (var provider in Providers)
        {
            var options = configuration.GetSection($"{Section}:{provider.Scheme}").Get<OAuthProviderOptions>();
            if (string.IsNullOrWhiteSpace(options?.ClientId)) continue;
            any = true;
            authentication.AddOAuth(provider.Scheme, o =>
            {
                o.ClientId = options.ClientId;
                o.ClientSecret = options.ClientSecret ?? "";
                o.AuthorizationEndpoint = options.AuthorizationEndpoint ?? provider.Authorize;
                o.TokenEndpoint = options.TokenEndpoint ?? provider.Token;
                o.UserInformationEndpoint = options.UserInformationEndpoint ?? provider.User;
                o.CallbackPath = $"/auth/{provider.Name}/callback";
                o.SignInScheme = ExternalScheme;
                o.UsePkce = true;
                // The framework's default (SameSite=None, always Secure) is dropped by browsers over plain http, so the
                // callback would fail its correlation check. Lax still rides along on the provider's top-level redirect
                // back to the callback; Secure follows the scheme the client used (after the forwarded-headers step).
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                foreach (var scope in provider.Scopes) o.Scope.Add(scope);
                var emails = options.EmailsEndpoint ?? provider.Emails;
                o.Events.OnCreatingTicket = context => ReadAccountAsync(context, provider.Name, emails);
                o.Events.OnRemoteFailure = context => AnswerFailureAsync(context, provider.Scheme);
            });
        }
        if (any)
            authentication.AddCookie(ExternalScheme, o =>
            {
                o.Cookie.Name = "comet.external";
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
            });
        return authentication;
    }

    public static void MapOAuthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/auth/providers", ListSignInMethodsAsync).AllowAnonymous()
            .WithTags("Authentication").WithName("ListSignInMethods")
            .WithSummary("The ways to sign in here: password, and each OAuth provider with a ClientId configured, with the URL that starts it.")
            .WithDescription("For a sign-in page. A browser starts a provider's sign-in at its url with ?returnTo=/a/local/path: "
                + "after the provider, Comet sets the comet_refresh cookie and sends the browser back to that path.");

        foreach (var provider in Providers)
        {
            app.MapGet($"/auth/{provider.Name}", async (HttpContext context, IAuthenticationSchemeProvider schemes, string? returnTo) =>
                    await schemes.GetSchemeAsync(provider.Scheme) is null ? NotConfigured(provider)
                    : returnTo is not null && !LocalReturnPath.IsLocal(returnTo) ? NotLocal(returnTo)
                    : Results.Challenge(new AuthenticationProperties { RedirectUri = CompletionPath(provider, returnTo) }, [provider.Scheme]))
                .WithTags("Authentication").WithName($"SignInWith{provider.Scheme}")
                .WithSummary($"Sign in with {provider.Scheme}: redirects to {provider.Scheme}, then back to Comet with tokens.")
                .WithDescription("Without returnTo, the end of the sign-in answers the tokens as JSON (or redirects to "
                    + $"{Section}:CompletionUrl with them in the fragment). With returnTo (a path of this site, starting with one '/'), "
                    + "it sets the comet_refresh cookie (see POST /auth/refresh) and redirects there; the page then renews its "
                    + "access token with POST /auth/refresh.")
                .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

            app.MapGet($"/auth/{provider.Name}/complete", (HttpContext context, IMediator mediator, IConfiguration configuration, string? returnTo) =>
                    CompleteAsync(context, mediator, configuration, provider, returnTo))
                .WithTags("Authentication").ExcludeFromDescription();
        }
    }

    private sealed record SignInMethod(string Name, string DisplayName, string Url);

    private sealed record SignInMethods(bool Password, IReadOnlyList<SignInMethod> Providers);

    private static async Task<IResult> ListSignInMethodsAsync(IAuthenticationSchemeProvider schemes)
    {
        var configured = new List<SignInMethod>();
        foreach (var provider in Providers)
            if (await schemes.GetSchemeAsync(provider.Scheme) is not null)
                configured.Add(new SignInMethod(provider.Name, provider.Scheme, $"/auth/{provider.Name}"));
        return TypedResults.Ok(new SignInMethods(Password: true, configured));
    }

    /// <summary>The return path rides inside the handler's protected state, so the provider's redirect cannot change it.</summary>
    private static string CompletionPath(Provider provider, string? returnTo) =>
        returnTo is null ? $"/auth/{provider.Name}/complete" : $"/auth/{provider.Name}/complete?returnTo={Uri.EscapeDataString(returnTo)}";

    private static IResult NotLocal(string returnTo) => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad return path",
        detail: $"returnTo must be a path of this site starting with a single '/' (like /projects), not '{returnTo}'.");

    private static IResult NotConfigured(Provider provider) => Results.Problem(statusCode: StatusCodes.Status404NotFound,
        title: "Not configured", detail: $"Sign-in with {provider.Scheme} is not configured: set {Section}:{provider.Scheme}:ClientId and ClientSecret.");

    /// <summary>Reads the account from the provider's user endpoint (and, for GitHub, which emails are verified).</summary>
    private static async Task ReadAccountAsync(OAuthCreatingTicketContext context, string provider, string? emailsEndpoint)
    {
        using var user = await GetJsonAsync(context, context.Options.UserInformationEndpoint);
        var root = user.RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number ? value.ToString() : null;

        var login = Text(provider == "github" ? "login" : "username") ?? Text("id")!;
        var email = Text("email");
        // GitLab confirms the primary email before it shows it; GitHub lists verified flags on its emails endpoint.
        var verified = provider == "gitlab" && !string.IsNullOrEmpty(Text("confirmed_at"));
        if (emailsEndpoint is not null)
        {
            using var emails = await GetJsonAsync(context, emailsEndpoint);
            var primary = emails.RootElement.EnumerateArray().FirstOrDefault(e => e.TryGetProperty("primary", out var p) && p.GetBoolean());
            if (primary.ValueKind == JsonValueKind.Object)
            {
                email = primary.GetProperty("email").GetString();
                verified = primary.TryGetProperty("verified", out var v) && v.GetBoolean();
            }
        }
        var identity = context.Identity!;
        identity.AddClaim(new Claim("provider", provider));
        identity.AddClaim(new Claim("external_id", Text("id")!));
        identity.AddClaim(new Claim("login", login));
        if (Text("name") is { Length: > 0 } name) identity.AddClaim(new Claim("display_name", name));
        if (!string.IsNullOrEmpty(email)) identity.AddClaim(new Claim("email", email));
        identity.AddClaim(new Claim("email_verified", verified ? "true" : "false"));
    }

    private static async Task<JsonDocument> GetJsonAsync(OAuthCreatingTicketContext context, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", context.AccessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Comet", "1.0"));
        using var response = await context.Backchannel.SendAsync(request, context.HttpContext.RequestAborted);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(context.HttpContext.RequestAborted));
    }

    /// <summary>Denied consent, a bad state or a provider error: a clear problem answer instead of an exception page.</summary>
    private static async Task AnswerFailureAsync(RemoteFailureContext context, string provider)
    {
        context.HandleResponse();
        var error = context.Request.Query["error"].ToString();
        var detail = error == "access_denied"
            ? $"You declined to let Comet read your {provider} account, so you are not signed in."
            : !string.IsNullOrEmpty(error)
                ? $"{provider} answered with an error: {error} {context.Request.Query["error_description"]}".Trim()
                : context.Failure?.Message.Contains("state", StringComparison.OrdinalIgnoreCase) == true
                  || context.Failure?.Message.Contains("Correlation", StringComparison.OrdinalIgnoreCase) == true
                    ? $"The {provider} sign-in could not be verified (its state is missing, wrong or expired). Start again."
                    : $"The {provider} sign-in failed: {context.Failure?.Message}";
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails = new ProblemDetails { Status = 400, Title = $"{provider} sign-in failed", Detail = detail },
        });
    }

    private static async Task<IResult> CompleteAsync(HttpContext context, IMediator mediator, IConfiguration configuration, Provider provider, string? returnTo)
    {
        // Checked again here: someone may send a browser straight to this address with a returnTo of their own.
        if (returnTo is not null && !LocalReturnPath.IsLocal(returnTo)) return NotLocal(returnTo);
        var external = await context.AuthenticateAsync(ExternalScheme);
        if (!external.Succeeded || external.Principal.FindFirstValue("provider") != provider.Name)
            return Results.Problem(statusCode: 400, title: $"{provider.Scheme} sign-in failed",
                detail: $"No {provider.Scheme} sign-in is in progress; start at /auth/{provider.Name}.");
        await context.SignOutAsync(ExternalScheme);

        var account = external.Principal;
        var tokens = await mediator.Send(new ExternalSignInCommand(provider.Name, account.FindFirstValue("external_id")!, account.FindFirstValue("login")!,
            account.FindFirstValue("display_name"), account.FindFirstValue("email"), account.FindFirstValue("email_verified") == "true"), context.RequestAborted);

        // The web UI's way: the refresh token in the HttpOnly cookie, and the page gets its access token from /auth/refresh.
        if (returnTo is not null)
        {
            RefreshTokenCookie.MoveIntoCookie(context, tokens);
            return Results.Redirect(returnTo);
        }

        // A browser app gets the tokens in the fragment of its own page, which never reaches a server log.
        var completion = configuration[$"{Section}:CompletionUrl"];
        if (string.IsNullOrWhiteSpace(completion)) return Results.Ok(tokens);
        return Results.Redirect($"{completion}#access_token={Uri.EscapeDataString(tokens.AccessToken)}" +
                                $"&refresh_token={Uri.EscapeDataString(tokens.RefreshToken!)}&expires_in={tokens.ExpiresIn}&token_type=Bearer");
    }
}
