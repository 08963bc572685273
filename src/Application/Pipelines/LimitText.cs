using System.Globalization;

namespace Comet.Application.Pipelines;

/// <summary>How refusals word a limit, so every one names its size the same way and says which setting raises it.</summary>
internal static class LimitText
{
    /// <summary>"1,048,576 bytes (1 MiB)" for round sizes, "100,002 bytes" otherwise.</summary>
    public static string Bytes(long count)
    {
        var exact = Number(count) + " bytes";
        if (count >= 1024 * 1024 && count % (1024 * 1024) == 0) return $"{exact} ({Number(count / (1024 * 1024))} MiB)";
        if (count >= 1024 && count % 1024 == 0) return $"{exact} ({Number(count / 1024)} KiB)";
        return exact;
    }

    public static string Number(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"a run may have at most 500 (…), set by Pipelines:MaxJobsPerRun", for every refusal of too many jobs.</summary>
    public static string JobsPerRun(PipelineOptions limits) =>
        $"a run may have at most {Number(limits.MaxJobsPerRun)} (each leg of a matrix counts as a job){Setting(nameof(PipelineOptions.MaxJobsPerRun))}";

    /// <summary>", set by Pipelines:MaxJobsPerRun": whoever finds the limit too low knows what to ask an administrator for.</summary>
    public static string Setting(string property) => $", set by {PipelineOptions.Section}:{property}";
}
