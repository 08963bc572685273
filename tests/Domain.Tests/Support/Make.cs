using Comet.Domain.Runs;

namespace Comet.Domain.Tests.Support;

/// <summary>Builds domain objects and drives them into a status through the expected tables.</summary>
internal static class Make
{
    public static readonly DateTime T0 = new(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    public static PipelineRun Run() => new(Guid.NewGuid(), 42, "push", "refs/heads/main", "0123abcd", T0);

    public static PipelineRun RunIn(RunStatus status)
    {
        var run = Run();
        Drive(run, status, T0);
        return run;
    }

    public static void Drive(PipelineRun run, RunStatus target, DateTime now)
    {
        foreach (var next in StatusPath.Find(RunTransitionTests.Expected, run.Status, target))
            run.MoveTo(next, now);
    }

    public static Job Job(bool allowFailure = false) => new(Guid.NewGuid(), "build", [], allowFailure);

    public static Job JobIn(JobStatus status, bool allowFailure = false)
    {
        var job = Job(allowFailure);
        Drive(job, status, T0);
        return job;
    }

    public static void Drive(Job job, JobStatus target, DateTime now)
    {
        foreach (var next in StatusPath.Find(JobTransitionTests.Expected, job.Status, target))
            job.MoveTo(next, now);
    }

    /// <summary>Adds one job per status to the run and drives each one there.</summary>
    public static void AddJobs(PipelineRun run, params JobStatus[] statuses)
    {
        for (var i = 0; i < statuses.Length; i++)
        {
            var job = run.AddJob($"job-{i}", [], allowFailure: false);
            Drive(job, statuses[i], T0);
        }
    }

    public static Step Step() => new(Guid.NewGuid(), 0, "compile");

    public static Step StepIn(StepStatus status)
    {
        var step = Step();
        Drive(step, status, T0);
        return step;
    }

    public static void Drive(Step step, StepStatus target, DateTime now)
    {
        foreach (var next in StatusPath.Find(StepTransitionTests.Expected, step.Status, target))
            step.MoveTo(next, now);
    }
}
