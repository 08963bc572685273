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
    IReadOnlyList<string> Artifacts,
    IReadOnlyDictionary<string, string> Variables,
    IReadOnlyList<WhenRule> When);

/// <summary>A parsed and linted <c>.comet.yml</c>; jobs keep the order of the file.</summary>
public sealed record PipelineDefinition(
    IReadOnlyList<WhenRule> When,
    IReadOnlyDictionary<string, string> Variables,
    IReadOnlyList<string> Stages,
    IReadOnlyList<JobDefinition> Jobs);
