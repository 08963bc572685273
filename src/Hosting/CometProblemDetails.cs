using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Hosting;

public static class CometProblemDetails
{
    /// <summary>
    /// RFC 7807 bodies for every error either host writes, each with a trace id and, for the
    /// framework's own empty answers (no route, wrong method), a detail saying what was asked.
    /// </summary>
    public static IServiceCollection AddCometProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var request = context.HttpContext.Request;
            problem.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier);
            problem.Detail ??= problem.Status switch
            {
                StatusCodes.Status401Unauthorized => "Sign in first: send 'Authorization: Bearer <access token>' (POST /auth/login gives one).",
                StatusCodes.Status404NotFound => $"Nothing is served at {request.Method} {request.Path}.",
                StatusCodes.Status405MethodNotAllowed => $"{request.Path} does not accept {request.Method}.",
                _ => null,
            };
        });
}
