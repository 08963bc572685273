namespace Comet.Application.Pipelines;

/// <summary>
/// One entry of a <c>when</c> filter. Inside an entry every non-empty list must match (AND);
/// an empty list does not filter. A list of entries matches when any entry matches (OR).
/// </summary>
public sealed record WhenRule(
    IReadOnlyList<string> Events,
    IReadOnlyList<string> Branches,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Paths);

public sealed record StepDefinition(
    string Name,
    string Run,
    IReadOnlyDictionary<string, string> Env,
    TimeSpan? Timeout,
    bool ContinueOnError);

/// <summary>
/// A job as written in the file. <see cref="Needs"/> holds the names as written (a base name means every
/// matrix leg of that job); <see cref="JobPlanner"/> turns matrix, stages and needs into concrete jobs.
/// </summary>
public sealed record JobDefinition(
    string Name,
    IReadOnlyList<StepDefinition> Steps,
    IReadOnlyList<string> Needs,
    string? Stage,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Matrix,
    TimeSpan? Timeout,
    int Retry,
    bool AllowFailure,
    ArtifactDefinition? Artifacts,
    IReadOnlyDictionary<string, string> Variables,
    IReadOnlyList<WhenRule> When,
    ReportDefinition? Reports = null,
    bool Network = true,
    IReadOnlyList<SecretReference>? Secrets = null)
{
    /// <summary>The project-wide group this job queues in (<c>concurrency:</c>); null: none.</summary>
    public ConcurrencyDefinition? Concurrency { get; init; }

    /// <summary>Where the job deploys (<c>environment:</c>); null: nowhere.</summary>
    public EnvironmentDefinition? Environment { get; init; }

    /// <summary><c>when: manual</c>: the job waits for someone to start it, like GitLab's manual jobs.</summary>
    public bool Manual { get; init; }

    /// <summary><c>approval: required</c>: the job waits for a maintainer's approval.</summary>
    public bool ApprovalRequired { get; init; }
}

/// <summary>The environment a job deploys to, and optionally the absolute http(s) address where it can be seen.</summary>
public sealed record EnvironmentDefinition(string Name, string? Url);

/// <summary>A secret a job names: secret <see cref="Source"/> is given to its steps as variable <see cref="Variable"/>.</summary>
public sealed record SecretReference(string Variable, string Source);

/// <summary>At most <see cref="Limit"/> jobs of the project's group <see cref="Group"/> run at once, across runs.</summary>
public sealed record ConcurrencyDefinition(string Group, int Limit);

/// <summary>When a job's artifacts are kept, as in GitLab CI.</summary>
public enum ArtifactWhen
{
    OnSuccess,
    OnFailure,
    Always,
}

/// <summary>The files a job keeps (globs relative to its workspace), when, and for how long (null: the server's default).</summary>
public sealed record ArtifactDefinition(IReadOnlyList<string> Paths, ArtifactWhen When, TimeSpan? ExpireIn)
{
    public bool KeepsFor(bool succeeded) => When == ArtifactWhen.Always || (When == ArtifactWhen.OnSuccess) == succeeded;
}

/// <summary>Report files a job writes: test results (JUnit, NUnit, TRX) and coverage (Cobertura), as workspace globs.</summary>
public sealed record ReportDefinition(IReadOnlyList<string> Junit, IReadOnlyList<string> Coverage);

/// <summary>A parsed and linted <c>.comet.yml</c>; jobs keep the order of the file.</summary>
public sealed record PipelineDefinition(
    IReadOnlyList<WhenRule> When,
    IReadOnlyDictionary<string, string> Variables,
    IReadOnlyList<string> Stages,
    IReadOnlyList<JobDefinition> Jobs);
