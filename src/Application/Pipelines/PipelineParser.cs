using System.Text;
using Comet.Application.Pipelines.Yaml;

namespace Comet.Application.Pipelines;

/// <summary>Parses and lints a <c>.comet.yml</c>, reporting every problem it finds with its line and column.</summary>
public static class PipelineParser
{
    private static readonly PipelineOptions DefaultLimits = new();

    /// <param name="limits">The server's <see cref="PipelineOptions"/>; the defaults when not given.</param>
    public static PipelineParseResult Parse(string yaml, PipelineOptions? limits = null)
    {
        limits ??= DefaultLimits;
        var diagnostics = new DiagnosticList();
        yaml ??= "";

        // Length first: a string longer than the limit in chars is longer in UTF-8 bytes too, so no need to count.
        if (yaml.Length > limits.MaxFileBytes || Encoding.UTF8.GetByteCount(yaml) > limits.MaxFileBytes)
        {
            // A huge string is not counted to the byte: past four times the limit "more than" says enough.
            diagnostics.Error(Position.FileStart, yaml.Length > 4L * limits.MaxFileBytes
                ? Refusal("more than " + LimitText.Bytes(4L * limits.MaxFileBytes), limits.MaxFileBytes)
                : TooLarge(Encoding.UTF8.GetByteCount(yaml), limits.MaxFileBytes));
            return new PipelineParseResult(null, diagnostics.ToSortedList());
        }

        var root = YamlTreeReader.Read(yaml, diagnostics, limits);
        if (root is null && diagnostics.HasErrors) // a syntax error, or a file asking too much: nothing more to read
            return new PipelineParseResult(null, diagnostics.ToSortedList());

        var pipeline = new PipelineReader(diagnostics, limits).Read(root, out var shape);
        // Past the jobs limit the reader stopped early; needs naming the jobs it never read would be false alarms.
        if (!shape.TooManyJobs) PipelineGraphCheck.Check(shape, diagnostics);
        return new PipelineParseResult(diagnostics.HasErrors ? null : pipeline, diagnostics.ToSortedList());
    }

    /// <summary>The refusal of a file over <paramref name="maxBytes"/>, for a file read whole or one known only by its size.</summary>
    public static string TooLarge(long bytes, long maxBytes) => Refusal(LimitText.Bytes(bytes), maxBytes);

    private static string Refusal(string size, long maxBytes) =>
        $"the pipeline file is {size}; the limit is {LimitText.Bytes(maxBytes)}{LimitText.Setting(nameof(PipelineOptions.MaxFileBytes))}";
}
