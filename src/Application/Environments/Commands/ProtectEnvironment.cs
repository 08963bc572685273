using System.Text.Json.Serialization;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Identity;
using Comet.Application.Pipelines;
using Comet.Application.Projects;
using Comet.Domain.Environments;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Environments.Commands;

/// <summary>
/// Sets an environment's protection rules as a whole (a PUT: a field left out goes back to its default), making the
/// environment if no job has named it yet, so a team can protect production before its first deploy.
/// </summary>
[RequiresProjectRole(ProjectRole.Maintainer)]
public sealed record ProtectEnvironmentCommand : IRequest<EnvironmentDto>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;

    /// <summary>From the route, never from the body.</summary>
    [JsonIgnore]
    public string Slug { get; init; } = "";
    [JsonIgnore]
    public string Name { get; init; } = "";

    public string? Url { get; init; }
    public int? RequiredApprovals { get; init; }
    public List<string>? Branches { get; init; }
    public List<string>? Tags { get; init; }
    public bool? AllowSelfApproval { get; init; }

    /// <summary>A duration such as 30m, 2h or 1d; null: approvals never time out.</summary>
    public string? ApprovalTimeout { get; init; }
    public bool? DeployLock { get; init; }
}

public sealed class ProtectEnvironmentValidator : AbstractValidator<ProtectEnvironmentCommand>
{
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(30);

    public ProtectEnvironmentValidator()
    {
        RuleFor(c => c.Name).Must(DeploymentEnvironment.IsValidName)
            .WithMessage(c => $"'{c.Name}' is not an environment name: 1 to {DeploymentEnvironment.MaxNameLength} letters, digits and - _ .");
        RuleFor(c => c.RequiredApprovals).InclusiveBetween(0, DeploymentEnvironment.MaxRequiredApprovals)
            .WithMessage($"requiredApprovals is a whole number from 0 to {DeploymentEnvironment.MaxRequiredApprovals}.");
        RuleFor(c => c.Branches).Must(RefPatterns).WithMessage(PatternRule("branches"));
        RuleFor(c => c.Tags).Must(RefPatterns).WithMessage(PatternRule("tags"));
        RuleFor(c => c.ApprovalTimeout)
            .Must(t => t is null || (DurationParser.TryParse(t, out var d) && d > TimeSpan.Zero && d <= MaxTimeout))
            .WithMessage(c => $"approvalTimeout '{c.ApprovalTimeout}' is not a duration from 1s to 30d (write e.g. 30m, 2h or 1d).");
        RuleFor(c => c.Url)
            .Must(u => u is null || (u.Length <= DeploymentEnvironment.MaxUrlLength && Uri.TryCreate(u, UriKind.Absolute, out var uri)
                && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Host.Length > 0 && !u.Any(char.IsWhiteSpace)))
            .WithMessage($"url is an absolute http:// or https:// address of at most {DeploymentEnvironment.MaxUrlLength} characters.");
    }

    private static bool RefPatterns(List<string>? patterns) =>
        patterns is null || (patterns.Count <= DeploymentEnvironment.MaxRefPatterns
                             && patterns.All(p => p is { Length: > 0 and <= 255 } && p == p.Trim() && !p.Any(char.IsControl)));

    private static string PatternRule(string field) =>
        $"{field} is a list of at most {DeploymentEnvironment.MaxRefPatterns} name patterns (e.g. main, release/*), each 1 to 255 characters with no spaces around it.";
}

public sealed class ProtectEnvironmentHandler(ICometDbContext db, TimeProvider clock, AuditTrail audit)
    : IRequestHandler<ProtectEnvironmentCommand, EnvironmentDto>
{
    public async Task<EnvironmentDto> Handle(ProtectEnvironmentCommand request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var environment = await db.Environments.FirstOrDefaultAsync(e => e.ProjectId == projectId && e.Name == request.Name, cancellationToken);
        var created = environment is null;
        if (environment is null)
        {
            environment = new DeploymentEnvironment(projectId, request.Name, request.Url, now);
            db.Environments.Add(environment);
        }
        TimeSpan? timeout = request.ApprovalTimeout is { } text && DurationParser.TryParse(text, out var parsed) ? parsed : null;
        environment.Protect(new EnvironmentRules(request.RequiredApprovals ?? 0, request.Branches ?? [], request.Tags ?? [],
            request.AllowSelfApproval ?? false, timeout, request.DeployLock ?? false, request.Url), now);
        audit.Record(EnvironmentAuditActions.Protected, target: $"project:{request.Slug}", detail: EnvironmentAuditActions.Describe(environment));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (created)
        {
            // A job made the environment between the read and the write; nothing was saved. Sending the PUT again sets the rules on it.
            throw new ConflictException($"Environment '{request.Name}' was created by a deploy at this moment; send the request again.");
        }
        return await EnvironmentReading.OneAsync(db, environment, cancellationToken);
    }
}
