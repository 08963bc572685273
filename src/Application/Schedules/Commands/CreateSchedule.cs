using Comet.Application.Common.Validation;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Identity;
using Comet.Application.Pipelines;
using Comet.Domain.Projects;
using Comet.Domain.Schedules;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comet.Application.Schedules.Commands;

/// <summary>A new schedule: runs of <see cref="Branch"/> (the project's default branch when left out) at the cron's times in the zone.</summary>
[RequiresProjectRole(ProjectRole.Maintainer)]
public sealed record CreateScheduleCommand : IRequest<ScheduleDto>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;

    /// <summary>From the route, never from the body.</summary>
    [JsonIgnore]
    public string Slug { get; init; } = "";
    [Required]
    public string? Name { get; init; }
    [Required]
    public string? Cron { get; init; }

    /// <summary>An IANA zone id; UTC when left out.</summary>
    public string? TimeZone { get; init; }
    public string? Branch { get; init; }
    public Dictionary<string, string>? Variables { get; init; }
    public bool? Enabled { get; init; }
}

public sealed class CreateScheduleValidator : AbstractValidator<CreateScheduleCommand>
{
    public CreateScheduleValidator(IOptions<PipelineOptions> limits, TimeProvider clock)
    {
        RuleFor(c => c.Name).ValidScheduleName();
        RuleFor(c => c.Cron).ValidCron(c => c.TimeZone, clock);
        RuleFor(c => c.TimeZone).ValidTimeZone();
        RuleFor(c => c.Branch).ValidBranch();
        RuleFor(c => c.Variables).WithinVariableLimits(limits.Value, "schedule");
    }
}

public sealed class CreateScheduleHandler(ICometDbContext db, TimeProvider clock, ICurrentUser user, AuditTrail audit, IOptions<ScheduleOptions> options)
    : IRequestHandler<CreateScheduleCommand, ScheduleDto>
{
    public async Task<ScheduleDto> Handle(CreateScheduleCommand request, CancellationToken cancellationToken)
    {
        var project = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.Slug == request.Slug, cancellationToken)
            ?? throw new NotFoundException("project", request.Slug);
        var limit = options.Value.MaxPerProject;
        if (await db.Schedules.CountAsync(s => s.ProjectId == project.Id, cancellationToken) >= limit)
            throw new ConflictException($"The project has {limit} schedules, the most it may have (set by Schedules:MaxPerProject); delete one first.");
        var name = request.Name!.Trim();
        if (await ScheduleLookup.NameTakenAsync(db, project.Id, name, null, cancellationToken))
            throw new ConflictException($"The project already has a schedule named '{name}'.");

        var now = clock.GetUtcNow().UtcDateTime;
        var schedule = new Schedule(project.Id, name, request.Cron!.Trim(), request.TimeZone ?? "UTC", request.Branch ?? project.DefaultBranch,
            Normalized(request.Variables), request.Enabled ?? true, user.UserId, now);
        db.Schedules.Add(schedule);
        audit.Record(ScheduleAuditActions.Created, target: $"project:{project.Slug}", detail: ScheduleAuditActions.Describe(schedule));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            if (!await ScheduleLookup.NameTakenAsync(db, project.Id, name, schedule.Id, cancellationToken)) throw;
            // Another request took the name between the check above and the write.
            throw new ConflictException($"The project already has a schedule named '{name}'.");
        }
        return ScheduleDto.From(schedule, now);
    }

    /// <summary>A JSON null value is an empty one.</summary>
    internal static Dictionary<string, string> Normalized(Dictionary<string, string>? variables) =>
        variables is null ? [] : variables.ToDictionary(v => v.Key, v => v.Value ?? "");
}
