using Microsoft.AspNetCore.Mvc;

namespace Comet.Gateway.Forwarding;

/// <summary>Every answer the gateway makes up itself is RFC 7807 problem+json, through the framework's writer.</summary>
public sealed class GatewayProblems(IProblemDetailsService problems)
{
    public async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        // The id the client can quote: the one in the X-Request-Id (or configured) header and in the logs.
        problem.Extensions["requestId"] = context.TraceIdentifier;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
