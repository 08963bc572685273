using System.Diagnostics;
using MediatR;
using Microsoft.Extensions.Logging;

namespace Comet.Application.Common.Behaviours;

/// <summary>Logs every request by name with how long it took. Outermost, so the time includes validation.</summary>
public sealed class LoggingBehaviour<TRequest, TResponse>(ILogger<LoggingBehaviour<TRequest, TResponse>> logger)
    : IPipelineBehavior<TRequest, TResponse>
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        var name = typeof(TRequest).Name;
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await next();
        }
        finally
        {
            logger.LogInformation("Handled {RequestName} in {ElapsedMs:0.0} ms", name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}
