namespace Comet.Application.TestReports;

/// <summary>A run's figures count each job once: its latest attempt that reported anything.</summary>
internal static class LatestAttempts
{
    public static IEnumerable<T> Of<T>(IEnumerable<T> perAttempt, Func<T, string> jobName, Func<T, int> attempt) =>
        perAttempt.GroupBy(jobName).Select(byJob => byJob.MaxBy(attempt)!);
}
