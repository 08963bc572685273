using System.Reflection;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Projects;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Common.Behaviours;

/// <summary>
/// Enforces the security attributes of a request before anything else looks at it: one place for "who may do
/// what", not checks scattered in endpoints. A project the caller is no member of does not exist for them (404);
/// a member whose role is too low gets 403. Work no request started (start-up, background) runs as the system.
/// </summary>
public sealed class AuthorizationBehaviour<TRequest, TResponse>(ICurrentUser user, ICometDbContext db) : IPipelineBehavior<TRequest, TResponse>
{
    private static readonly bool NeedsAdmin = typeof(TRequest).GetCustomAttribute<RequiresAdminAttribute>() is not null;
    private static readonly ProjectRole? NeedsRole = typeof(TRequest).GetCustomAttribute<RequiresProjectRoleAttribute>()?.Role;
    private static readonly bool NeedsSignIn = NeedsAdmin || NeedsRole is not null || typeof(TRequest).GetCustomAttribute<RequiresSignInAttribute>() is not null;

    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        if (!NeedsSignIn || user.IsSystem) return await next();
        if (user.UserId is not { } userId) throw new UnauthorizedException("Sign in first: send 'Authorization: Bearer <token>' (POST /auth/login gives one).");
        if (NeedsAdmin && !user.IsAdmin) throw new ForbiddenException("Only administrators may do this.");
        CheckScope(user.Scopes);
        if (NeedsRole is { } needed && !user.IsAdmin) await CheckProjectRoleAsync(request, userId, needed, cancellationToken);
        return await next();
    }

    /// <summary>
    /// A personal access token does what its scopes allow: "read" for queries, "write" for commands, "admin" for
    /// admin-only requests — and never more than its owner may.
    /// </summary>
    private static void CheckScope(IReadOnlySet<string>? scopes)
    {
        if (scopes is null) return;
        var needed = NeedsAdmin ? "admin" : IsQuery ? "read" : "write";
        var allowed = needed switch
        {
            "read" => scopes.Contains("read") || scopes.Contains("write") || scopes.Contains("admin"),
            "write" => scopes.Contains("write") || scopes.Contains("admin"),
            _ => scopes.Contains("admin"),
        };
        if (!allowed) throw new ForbiddenException($"This token's scopes ({string.Join(", ", scopes.Order())}) do not allow this; it needs '{needed}'.");
    }

    private static readonly bool IsQuery = typeof(TRequest).Name.EndsWith("Query", StringComparison.Ordinal);

    private async Task CheckProjectRoleAsync(TRequest request, Guid userId, ProjectRole needed, CancellationToken cancellationToken)
    {
        var (projectId, notFound) = request switch
        {
            IProjectRequest byProject => (await db.Projects.Where(p => p.Slug == byProject.ProjectSlug).Select(p => (Guid?)p.Id)
                .FirstOrDefaultAsync(cancellationToken), new NotFoundException("project", byProject.ProjectSlug ?? "")),
            IRunRequest byRun => (await db.Runs.Where(r => r.Id == byRun.RunId).Select(r => (Guid?)r.ProjectId)
                .FirstOrDefaultAsync(cancellationToken), new NotFoundException("run", byRun.RunId.ToString())),
            IOutboxMessageRequest byMessage => (await db.OutboxMessages.Where(m => m.Id == byMessage.MessageId).Select(m => m.ProjectId)
                .FirstOrDefaultAsync(cancellationToken), new NotFoundException("delivery", byMessage.MessageId.ToString())),
            _ => throw new InvalidOperationException($"{typeof(TRequest).Name} needs a project role but names no project or run."),
        };
        if (projectId is null) return; // the handler says "not found" in its own words

        var role = await db.ProjectMembers.Where(m => m.ProjectId == projectId && m.UserId == userId)
            .Select(m => (ProjectRole?)m.Role).FirstOrDefaultAsync(cancellationToken);
        if (role is null) throw notFound; // no existence leak: to a non-member the project is not there
        if (role < needed)
            throw new ForbiddenException($"This needs the {needed.ToString().ToLowerInvariant()} role in the project; you are {role.Value.ToString().ToLowerInvariant()}.");
    }
}
