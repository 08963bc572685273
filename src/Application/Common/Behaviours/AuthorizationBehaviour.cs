using System.Reflection;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using MediatR;

namespace Comet.Application.Common.Behaviours;

/// <summary>
/// Enforces the security attributes of a request before anything else looks at it: one place for "who may do
/// what", not a check scattered in each endpoint.
/// </summary>
public sealed class AuthorizationBehaviour<TRequest, TResponse>(ICurrentUser user) : IPipelineBehavior<TRequest, TResponse>
{
    private static readonly bool NeedsAdmin = typeof(TRequest).GetCustomAttribute<RequiresAdminAttribute>() is not null;

    public Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        if (NeedsAdmin)
        {
            if (user.UserId is null) throw new UnauthorizedException("Sign in first.");
            if (!user.IsAdmin) throw new ForbiddenException("Only administrators may do this.");
        }
        return next();
    }
}
