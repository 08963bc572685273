namespace Comet.Application.Pipelines;

/// <summary>
/// Settings under <c>Pipelines:</c>: how much a pipeline file may ask for. Anyone who can push writes the file,
/// so each limit is what keeps one push from costing the server minutes of work or gigabytes of memory.
/// Defaults are far above what a real pipeline needs.
/// </summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipelines";

    /// <summary>The pipeline file itself, in UTF-8 bytes.</summary>
    public int MaxFileBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The file once every YAML alias is replaced by what it refers to (text of the values, about one byte per
    /// key or item). Checked while reading, so an alias bomb stops at this size instead of growing to its own.
    /// </summary>
    public long MaxExpandedBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>Jobs one run may have, each leg of a matrix counting as one job.</summary>
    public int MaxJobsPerRun { get; set; } = 500;

    /// <summary>
    /// What one run stores for its jobs: each job's steps and environment. Every job, and every leg of a matrix,
    /// keeps its own copy of the variables it gets, so this is what stops 500 jobs × a large set of variables.
    /// Checked when a run is planned (it depends on a manual run's variables too), not by the linter.
    /// </summary>
    public long MaxRunBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Entries in one set of variables: the pipeline's, a job's, a step's env, a matrix, a manual run's.</summary>
    public int MaxVariables { get; set; } = 100;

    /// <summary>Characters in a variable's name.</summary>
    public int MaxVariableNameLength { get; set; } = 256;

    /// <summary>UTF-8 bytes in a variable's value.</summary>
    public int MaxVariableValueBytes { get; set; } = 64 * 1024;
}
