namespace Comet.Application.Pipelines;

/// <summary>Checks that look across jobs: stages, needs that name no job, cycles, clashing job names.</summary>
internal static class PipelineGraphCheck
{
    public static void Check(PipelineShape shape, DiagnosticList diagnostics)
    {
        CheckStages(shape, diagnostics);
        var edges = CheckNeeds(shape, diagnostics);
        ReportCycles(shape, edges, diagnostics);
        CheckPlannedNamesAreUnique(shape, diagnostics);
    }

    private static void CheckStages(PipelineShape shape, DiagnosticList diagnostics)
    {
        var stageNames = shape.Stages.Select(s => s.Name).ToList();
        var listedStages = stageNames.ToHashSet(StringComparer.Ordinal);
        foreach (var job in shape.Jobs)
        {
            if (job.Stage is { } stage)
            {
                if (!shape.HasStages)
                    diagnostics.Error(stage.At, $"job '{job.Name}' has 'stage: {stage.Name}', but the file has no top-level 'stages' list");
                else if (!listedStages.Contains(stage.Name))
                    diagnostics.Error(stage.At, $"job '{job.Name}' has stage '{stage.Name}', which is not in 'stages' ({NameList(stageNames)})"
                        + diagnostics.Hint(stage.Name, stageNames));
            }
            else if (shape.HasStages)
            {
                diagnostics.Error(job.NamePosition, $"job '{job.Name}' has no 'stage'; when the file lists 'stages', every job names its stage");
            }

            if (shape.HasStages && job.NeedsKey is { } needsKey)
                diagnostics.Error(needsKey, $"job '{job.Name}' has 'needs', but this file orders jobs with 'stages'; use either 'needs' or 'stages', not both");
        }

        if (!shape.HasStages) return;
        var usedStages = shape.Jobs.Where(j => j.Stage is not null).Select(j => j.Stage!.Value.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, at) in shape.Stages)
            if (!usedStages.Contains(name))
                diagnostics.Warning(at, $"stage '{name}' has no jobs");
    }

    /// <summary>Resolves every need to the job it names (a base name or one matrix leg) and returns the edges between jobs.</summary>
    private static Dictionary<string, List<(string Target, Position At)>> CheckNeeds(PipelineShape shape, DiagnosticList diagnostics)
    {
        var jobNames = shape.Jobs.Select(j => j.Name).ToList();
        var knownJobs = jobNames.ToHashSet(StringComparer.Ordinal);
        var legOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var job in shape.Jobs.Where(j => j.Matrix.Count > 0 && LegCount(j) <= JobPlanner.MaxMatrixLegs))
            foreach (var leg in JobPlanner.Legs(job.Matrix))
                legOwners.TryAdd(JobPlanner.LegName(job.Name, leg), job.Name);

        var edges = new Dictionary<string, List<(string Target, Position At)>>(StringComparer.Ordinal);
        foreach (var job in shape.Jobs)
        {
            var targets = edges[job.Name] = [];
            foreach (var (need, at) in job.Needs)
            {
                var target = knownJobs.Contains(need) ? need : legOwners.GetValueOrDefault(need);
                if (target is null)
                    diagnostics.Error(at, $"job '{job.Name}' needs '{need}', which is not a job" + diagnostics.Hint(need, jobNames));
                else if (target == job.Name)
                    diagnostics.Error(at, $"job '{job.Name}' needs itself; needs form a cycle: {job.Name} → {job.Name}");
                else
                    targets.Add((target, at));
            }
        }
        return edges;
    }

    /// <summary>
    /// Depth-first search in file order; each edge back into the current path closes a cycle, reported at the
    /// need where the cycle starts. Iterative, so thousands of chained jobs cannot overflow the stack.
    /// </summary>
    private static void ReportCycles(PipelineShape shape, Dictionary<string, List<(string Target, Position At)>> edges, DiagnosticList diagnostics)
    {
        var state = new Dictionary<string, Visit>(StringComparer.Ordinal);
        foreach (var start in shape.Jobs.Select(j => j.Name))
        {
            if (state.ContainsKey(start)) continue;
            var path = new List<(string Job, int NextEdge)> { (start, 0) };
            var pathIndex = new Dictionary<string, int>(StringComparer.Ordinal) { [start] = 0 };
            state[start] = Visit.OnPath;
            while (path.Count > 0)
            {
                var (job, next) = path[^1];
                var outgoing = edges[job];
                if (next == outgoing.Count)
                {
                    state[job] = Visit.Done;
                    pathIndex.Remove(job);
                    path.RemoveAt(path.Count - 1);
                    continue;
                }
                path[^1] = (job, next + 1);
                var target = outgoing[next].Target;
                switch (state.GetValueOrDefault(target))
                {
                    case Visit.NotSeen:
                        state[target] = Visit.OnPath;
                        pathIndex[target] = path.Count;
                        path.Add((target, 0));
                        break;
                    case Visit.OnPath when !diagnostics.IsFull:
                        var from = pathIndex[target];
                        var (cycleStart, startEdge) = path[from];
                        diagnostics.Error(edges[cycleStart][startEdge - 1].At, $"needs form a cycle: {CycleText(path, from, target)}");
                        break;
                }
            }
        }
    }

    private enum Visit { NotSeen, OnPath, Done }

    /// <summary>"a → b → c → a"; a very long cycle keeps its ends and says how many jobs it skipped.</summary>
    private static string CycleText(List<(string Job, int NextEdge)> path, int from, string target)
    {
        const int ShownAtEachEnd = 10;
        var jobs = path.Count - from;
        var names = jobs <= 2 * ShownAtEachEnd
            ? path.Skip(from).Select(p => p.Job)
            : path.Skip(from).Take(ShownAtEachEnd).Select(p => p.Job)
                .Append($"… ({jobs - 2 * ShownAtEachEnd} more)")
                .Concat(path.Skip(path.Count - ShownAtEachEnd).Select(p => p.Job));
        return string.Join(" → ", names.Append(target));
    }

    /// <summary>A job literally named "test [SUITE=unit]" next to a matrix job "test" would make two jobs with one name.</summary>
    private static void CheckPlannedNamesAreUnique(PipelineShape shape, DiagnosticList diagnostics)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var job in shape.Jobs)
        {
            if (LegCount(job) > JobPlanner.MaxMatrixLegs) continue;
            foreach (var leg in JobPlanner.Legs(job.Matrix))
            {
                var name = JobPlanner.LegName(job.Name, leg);
                if (owners.TryGetValue(name, out var owner) && owner != job.Name)
                    diagnostics.Error(job.NamePosition, $"job '{job.Name}' makes a job named '{name}', which job '{owner}' makes too; rename one of them");
                else
                    owners.TryAdd(name, job.Name);
            }
        }
    }

    /// <summary>Names for a message, cut short so a long list cannot drown the report.</summary>
    private static string NameList(IReadOnlyList<string> names, int shown = 10) =>
        string.Join(", ", names.Take(shown)) + (names.Count > shown ? $", … ({names.Count - shown} more)" : "");

    private static long LegCount(JobShape job) => JobPlanner.CountLegs(job.Matrix.Select(m => m.Value.Count));
}
