namespace Comet.Domain.Runs;

/// <summary>
/// Concurrency groups are per project: "deploy-prod" of one project never holds back another project's jobs. The key
/// stored with a job carries the project, so the dispatcher counts a group's running jobs with one indexed comparison.
/// </summary>
public static class ConcurrencyGroups
{
    public const int MaxNameLength = 100;
    public const int MaxLimit = 1000;

    public static string KeyOf(Guid projectId, string group) => $"{projectId:N}/{group}";

    public static string NameOf(string key) => key[(key.IndexOf('/') + 1)..];
}
