using System.Text;
using System.Text.RegularExpressions;

namespace Comet.Application.Pipelines;

/// <summary>
/// What a variable may be, wherever it comes from (the pipeline file, a matrix, a manual run), so the linter and
/// the API refuse the same things in the same words. Each check gives the end of a sentence, or null when it passes.
/// </summary>
internal static partial class VariableRules
{
    public const string NameRule = "use letters, digits and '_', not starting with a digit";

    /// <summary>"has 150 variables; the limit is 100, set by Pipelines:MaxVariables".</summary>
    public static string? CountProblem(int count, PipelineOptions limits) =>
        count <= limits.MaxVariables ? null
            : $"has {LimitText.Number(count)} variables; the limit is {LimitText.Number(limits.MaxVariables)}{LimitText.Setting(nameof(PipelineOptions.MaxVariables))}";

    /// <summary>"is not a valid variable name; …" or "is 300 characters long; …". Length first: it is what to fix.</summary>
    public static string? NameProblem(string name, PipelineOptions limits)
    {
        if (name.Length > limits.MaxVariableNameLength)
            return $"is {LimitText.Number(name.Length)} characters long; the limit for a variable name is "
                + $"{LimitText.Number(limits.MaxVariableNameLength)}{LimitText.Setting(nameof(PipelineOptions.MaxVariableNameLength))}";
        return VariableName().IsMatch(name) ? null : $"is not a valid variable name; {NameRule}";
    }

    /// <summary>"is 70,000 bytes; the limit for a variable's value is 65,536 bytes (64 KiB), set by …".</summary>
    public static string? ValueProblem(string value, PipelineOptions limits)
    {
        // Every char is at most three UTF-8 bytes, so short values need no counting.
        if ((long)value.Length * 3 <= limits.MaxVariableValueBytes) return null;
        var bytes = Encoding.UTF8.GetByteCount(value);
        return bytes <= limits.MaxVariableValueBytes ? null
            : $"is {LimitText.Bytes(bytes)}; the limit for a variable's value is {LimitText.Bytes(limits.MaxVariableValueBytes)}"
              + LimitText.Setting(nameof(PipelineOptions.MaxVariableValueBytes));
    }

    /// <summary>A name as messages show it: a 300-character name is cut, not printed whole.</summary>
    public static string Shown(string name) => name.Length <= 40 ? name : name[..40] + "…";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();
}
