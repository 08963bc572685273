using Comet.Application.Pipelines;
using Microsoft.Extensions.Options;

namespace Comet.Infrastructure.Configuration;

public sealed class PipelineOptionsValidator : IValidateOptions<PipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        var failures = new List<string>();
        if (options.MaxFileBytes < 1024)
            failures.Add($"Pipelines:MaxFileBytes must be at least 1024 bytes, not {options.MaxFileBytes}.");
        // Reading stops at the first alias past this size; below the file size, a file the server accepts could fail on one small alias.
        if (options.MaxExpandedBytes < options.MaxFileBytes)
            failures.Add($"Pipelines:MaxExpandedBytes must be at least Pipelines:MaxFileBytes ({options.MaxFileBytes}), not {options.MaxExpandedBytes}.");
        // One job may hold the whole expanded file; a run must have room for at least that.
        if (options.MaxRunBytes < options.MaxExpandedBytes)
            failures.Add($"Pipelines:MaxRunBytes must be at least Pipelines:MaxExpandedBytes ({options.MaxExpandedBytes}), not {options.MaxRunBytes}.");
        foreach (var (key, value) in new[]
                 {
                     (nameof(options.MaxJobsPerRun), options.MaxJobsPerRun), (nameof(options.MaxVariables), options.MaxVariables),
                     (nameof(options.MaxVariableNameLength), options.MaxVariableNameLength), (nameof(options.MaxVariableValueBytes), options.MaxVariableValueBytes),
                 })
        {
            if (value < 1) failures.Add($"Pipelines:{key} must be at least 1, not {value}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
