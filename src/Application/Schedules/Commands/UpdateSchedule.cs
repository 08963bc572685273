using Comet.Application.Common.Validation;
using System.Text.Json.Serialization;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Identity;
using Comet.Application.Pipelines;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comet.Application.Schedules.Commands;

/// <summary>
/// Changes the fields that are given; a field left out keeps its value (variables, when given, replace the old set).
/// A new cron or zone, or switching the schedule back on, starts from now: no slot from before fires.
/// </summary>
[RequiresProjectRole(ProjectRole.Maintainer)]
public sealed record UpdateScheduleCommand : IRequest<ScheduleDto>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;

    [JsonIgnore]
    public string Slug { get; init; } = "";

    [JsonIgnore]
    public Guid Id { get; init; }
    public string? Name { get; init; }
    public string? Cron { get; init; }
    public string? TimeZone { get; init; }
    public string? Branch { get; init; }
    public Dictionary<string, string>? Variables { get; init; }
    public bool? Enabled { get; init; }
}

public sealed class UpdateScheduleValidator : AbstractValidator<UpdateScheduleCommand>
{
    public UpdateScheduleValidator(IOptions<PipelineOptions> limits, TimeProvider clock)
    {
        RuleFor(c => c.Name).ValidScheduleName().When(c => c.Name is not null);
        RuleFor(c => c.Cron).ValidCron(c => c.TimeZone, clock).When(c => c.Cron is not null);
        RuleFor(c => c.TimeZone).ValidTimeZone();
        RuleFor(c => c.Branch).ValidBranch();
        RuleFor(c => c.Variables).WithinVariableLimits(limits.Value, "schedule");
    }
}

public sealed class UpdateScheduleHandler(ICometDbContext db, TimeProvider clock, AuditTrail audit) : IRequestHandler<UpdateScheduleCommand, ScheduleDto>
{
    public async Task<ScheduleDto> Handle(UpdateScheduleCommand request, CancellationToken cancellationToken)
    {
        var (project, schedule) = await ScheduleLookup.FindAsync(db, request.Slug, request.Id, cancellationToken);
        var name = request.Name?.Trim() ?? schedule.Name;
        if (name != schedule.Name && await ScheduleLookup.NameTakenAsync(db, project.Id, name, schedule.Id, cancellationToken))
            throw new ConflictException($"The project already has a schedule named '{name}'.");

        var now = clock.GetUtcNow().UtcDateTime;
        schedule.Change(name, request.Cron?.Trim() ?? schedule.Cron, request.TimeZone ?? schedule.TimeZone, request.Branch ?? schedule.Branch,
            request.Variables is null ? schedule.Variables : CreateScheduleHandler.Normalized(request.Variables), request.Enabled ?? schedule.Enabled, now);
        audit.Record(ScheduleAuditActions.Updated, target: $"project:{project.Slug}", detail: ScheduleAuditActions.Describe(schedule));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            if (!await ScheduleLookup.NameTakenAsync(db, project.Id, name, schedule.Id, cancellationToken)) throw;
            throw new ConflictException($"The project already has a schedule named '{name}'.");
        }
        return ScheduleDto.From(schedule, now);
    }
}
