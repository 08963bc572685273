using Comet.Application.Common.Interfaces;
using Comet.Application.Pipelines;
using Comet.Application.Runs.Execution;
using Comet.Domain.Schedules;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Schedules.Commands;

/// <summary>
/// Fires one due slot of a schedule: claims it, then plans a <c>cron</c> run of the branch's head the way every run
/// is planned, so the pipeline's top-level <c>when:</c> and each job's apply. Sent by the scheduler loop; no endpoint.
/// </summary>
public sealed record FireScheduleCommand(Guid ScheduleId, DateTime SlotAt) : IRequest<FireResult>;

public enum FireOutcome
{
    RunCreated,
    NotTriggered,

    /// <summary>Another orchestrator claimed the slot first.</summary>
    ClaimedElsewhere,

    /// <summary>The schedule is gone, switched off, or already past this slot.</summary>
    NotDue,
}

public sealed record FireResult(FireOutcome Outcome, Guid? RunId = null, string? Detail = null);

public sealed class FireScheduleHandler(ICometDbContext db, RunPlanner planner, DispatchSignal dispatch, INodeIdentity node, TimeProvider clock)
    : IRequestHandler<FireScheduleCommand, FireResult>
{
    /// <summary>
    /// Claimed slots kept per schedule. A slot row only has to outlive the time another orchestrator could still try
    /// the same slot (one poll, plus clock skew); a week is far past that and keeps the table small.
    /// </summary>
    private static readonly TimeSpan SlotsKept = TimeSpan.FromDays(7);

    public async Task<FireResult> Handle(FireScheduleCommand request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var slotAt = DateTime.SpecifyKind(request.SlotAt, DateTimeKind.Utc);
        var schedule = await db.Schedules.FirstOrDefaultAsync(s => s.Id == request.ScheduleId, cancellationToken);
        if (schedule is null || !schedule.Enabled || slotAt <= schedule.CoveredUntil) return new FireResult(FireOutcome.NotDue);
        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == schedule.ProjectId, cancellationToken);

        // The claim is committed before any run exists: of several orchestrators, the one whose insert wins goes on.
        var slot = new ScheduleSlot(schedule.Id, slotAt, node.Id, now);
        db.ScheduleSlots.Add(slot);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            if (!await ClaimedAsync(schedule.Id, slotAt)) throw;
            // Move the mark past the slot here too, so a winner that died before recording it does not leave every
            // node trying the same slot each poll. Conditional, so it never moves back.
            await db.Schedules.Where(s => s.Id == schedule.Id && s.CoveredUntil < slotAt)
                .ExecuteUpdateAsync(set => set.SetProperty(s => s.CoveredUntil, slotAt), CancellationToken.None);
            return new FireResult(FireOutcome.ClaimedElsewhere);
        }

        try
        {
            var trigger = new RunTrigger(TriggerFilter.Cron, "refs/heads/" + schedule.Branch, Sha: null, Branch: schedule.Branch, Tag: null,
                Variables: schedule.Variables);
            var plan = await planner.PlanAsync(project, trigger, applyPipelineWhen: true, cancellationToken);
            FireResult result;
            if (plan.Run is { } run)
            {
                run.MadeBySchedule(schedule.Id, schedule.Name);
                db.Runs.Add(run);
                // A run that could not be planned (branch gone, bad file) is still made, in error; the schedule says why too.
                schedule.RecordFired(slotAt, now, run.Id, ScheduleOutcome.RunCreated, run.Error);
                slot.Record(run.Id, ScheduleOutcome.RunCreated);
                await planner.SaveNewRunAsync(run, cancellationToken);
                dispatch.Notify();
                result = new FireResult(FireOutcome.RunCreated, run.Id, run.Error);
            }
            else
            {
                schedule.RecordFired(slotAt, now, null, ScheduleOutcome.NotTriggered, "no run: " + plan.NotTriggeredReason);
                slot.Record(null, ScheduleOutcome.NotTriggered);
                await db.SaveChangesAsync(cancellationToken);
                result = new FireResult(FireOutcome.NotTriggered, Detail: plan.NotTriggeredReason);
            }
            await db.ScheduleSlots.Where(s => s.ScheduleId == schedule.Id && s.SlotAt < slotAt - SlotsKept).ExecuteDeleteAsync(cancellationToken);
            return result;
        }
        catch
        {
            if (await RunSavedAsync(slotAt, schedule.Id)) throw;
            // Nothing was made for the slot (stopping, the database away): give the claim back, so the next poll, here or
            // on another node, fires it as a missed slot instead of it being lost.
            await db.ScheduleSlots.Where(s => s.ScheduleId == schedule.Id && s.SlotAt == slotAt).ExecuteDeleteAsync(CancellationToken.None);
            throw;
        }
    }

    private Task<bool> ClaimedAsync(Guid scheduleId, DateTime slotAt) =>
        db.ScheduleSlots.AsNoTracking().AnyAsync(s => s.ScheduleId == scheduleId && s.SlotAt == slotAt, CancellationToken.None);

    private Task<bool> RunSavedAsync(DateTime slotAt, Guid scheduleId) =>
        db.ScheduleSlots.AsNoTracking().AnyAsync(s => s.ScheduleId == scheduleId && s.SlotAt == slotAt && s.Outcome != null, CancellationToken.None);
}
