using System.Globalization;
using System.Text;
using Comet.Application.Pipelines.Yaml;

namespace Comet.Application.Pipelines;

/// <summary>Parses and lints a <c>.comet.yml</c>, reporting every problem it finds with its line and column.</summary>
public static class PipelineParser
{
    public const int MaxFileBytes = 1024 * 1024;

    public static PipelineParseResult Parse(string yaml)
    {
        var diagnostics = new DiagnosticList();
        yaml ??= "";

        // Length first: a string longer than the limit in chars is longer in UTF-8 bytes too, so no need to count.
        if (yaml.Length > MaxFileBytes || Encoding.UTF8.GetByteCount(yaml) > MaxFileBytes)
        {
            var bytes = yaml.Length > 4 * MaxFileBytes ? "more than " + Bytes(4 * MaxFileBytes) : Bytes(Encoding.UTF8.GetByteCount(yaml));
            diagnostics.Error(Position.FileStart, $"the pipeline file is {bytes} bytes; the limit is {Bytes(MaxFileBytes)} bytes (1 MiB)");
            return new PipelineParseResult(null, diagnostics.ToSortedList());
        }

        var root = YamlTreeReader.Read(yaml, diagnostics);
        if (root is null && diagnostics.HasErrors) // a syntax error: nothing more can be read reliably
            return new PipelineParseResult(null, diagnostics.ToSortedList());

        var pipeline = new PipelineReader(diagnostics).Read(root, out var shape);
        PipelineGraphCheck.Check(shape, diagnostics);
        return new PipelineParseResult(diagnostics.HasErrors ? null : pipeline, diagnostics.ToSortedList());
    }

    private static string Bytes(long count) => count.ToString("N0", CultureInfo.InvariantCulture);
}
