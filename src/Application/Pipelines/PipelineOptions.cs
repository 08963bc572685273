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

    /// <summary>Entries in one set of variables: the pipeline's, a job's, a step's env, a matrix, a manual run's.</summary>
    public int MaxVariables { get; set; } = 100;

    /// <summary>Characters in a variable's name.</summary>
    public int MaxVariableNameLength { get; set; } = 256;

    /// <summary>UTF-8 bytes in a variable's value.</summary>
    public int MaxVariableValueBytes { get; set; } = 64 * 1024;
}
