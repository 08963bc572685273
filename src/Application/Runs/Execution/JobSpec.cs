using System.Text.Json;
using Comet.Application.Pipelines;
using Comet.Domain.Runs;

namespace Comet.Application.Runs.Execution;

/// <summary>
/// What a job runs and keeps (steps, environment, timeout, report and artifact globs), fixed when the run is planned
/// and stored with the job, so a retry runs the same. Of secrets only the names are kept: values are looked up when
/// the job starts, so they are never in a job's row. <see cref="DeploysTo"/> is the environment the job deploys to (a deployment is
/// recorded when it starts, and that environment's secrets are its to use).
/// </summary>
public sealed record JobSpec(
    IReadOnlyList<StepSpec> Steps,
    IReadOnlyDictionary<string, string> Environment,
    TimeSpan? Timeout,
    ReportDefinition? Reports = null,
    ArtifactDefinition? Artifacts = null,
    bool Network = true,
    IReadOnlyList<SecretReference>? Secrets = null,
    EnvironmentDefinition? DeploysTo = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static JobSpec Of(Job job) =>
        JsonSerializer.Deserialize<JobSpec>(job.Spec, Json) ?? throw new InvalidOperationException($"Job {job.Id} has no spec.");

    /// <summary>Gives a job (or a new attempt of it) its pending steps.</summary>
    public void AddStepsTo(Job job)
    {
        foreach (var step in Steps) job.AddStep(step.Name);
    }
}

public sealed record StepSpec(string Name, string Run, IReadOnlyDictionary<string, string> Environment, TimeSpan? Timeout, bool ContinueOnError);
