using Comet.Domain.Projects;

namespace Comet.Application.Common.Security;

/// <summary>Any signed-in user may send this request.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class RequiresSignInAttribute : Attribute;

/// <summary>The caller needs at least this role in the request's project (admins need none).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class RequiresProjectRoleAttribute(ProjectRole role) : Attribute
{
    public ProjectRole Role { get; } = role;
}

/// <summary>A request about one project, named by its slug.</summary>
public interface IProjectRequest
{
    string? ProjectSlug { get; }
}

/// <summary>A request about one run (and so about its project).</summary>
public interface IRunRequest
{
    Guid RunId { get; }
}

/// <summary>A request about one outbox message (and so about its project).</summary>
public interface IOutboxMessageRequest
{
    Guid MessageId { get; }
}
