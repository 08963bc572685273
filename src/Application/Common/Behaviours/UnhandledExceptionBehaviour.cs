using Comet.Application.Common.Exceptions;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.Logging;

namespace Comet.Application.Common.Behaviours;

/// <summary>
/// Logs exceptions that are not expected outcomes (validation, not found, conflict, domain rules)
/// with the request that caused them, then lets them travel on to the host's error mapping.
/// </summary>
public sealed class UnhandledExceptionBehaviour<TRequest, TResponse>(ILogger<UnhandledExceptionBehaviour<TRequest, TResponse>> logger)
    : IPipelineBehavior<TRequest, TResponse>
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        try
        {
            return await next();
        }
        catch (Exception ex) when (!IsExpected(ex) && !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Unhandled exception for {RequestName}", typeof(TRequest).Name);
            throw;
        }
    }

    private static bool IsExpected(Exception ex) =>
        ex is ValidationException or NotFoundException or ConflictException or UnauthorizedException or ForbiddenException or TooManyAttemptsException or Domain.Common.DomainException;
}
