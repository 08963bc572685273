using System.Text;

namespace Comet.Application.Common.Git;

/// <summary>
/// The one rule for a ref name that reaches git, whoever gives it: a manual run, a project's default branch, a
/// forge's webhook. It is git's own (git check-ref-format), so no real branch or tag is refused, plus a length
/// that fits the database and no leading '-', which git would read as an option.
/// </summary>
public static class GitRefName
{
    public const int MaxLength = 255;

    /// <summary>Why <paramref name="name"/> is not a ref name, as the end of "it …" ("contains '..'"), or null when it is one.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0) return "is empty";
        if (name.Length > MaxLength) return $"is {name.Length} characters long; the limit is {MaxLength}";
        foreach (var c in name)
            if (char.IsControl(c)) return $"contains the control character U+{(int)c:X4}";
        if (name.Contains("..")) return "contains '..'";
        if (name.IndexOfAny(Forbidden) is var at and >= 0) return $"contains '{name[at]}'";
        if (name.Contains("@{")) return "contains '@{'";
        if (name.StartsWith('-')) return "starts with '-'";
        if (name.StartsWith('/') || name.EndsWith('/') || name.Contains("//")) return "has an empty part between '/'";
        if (name.EndsWith('.')) return "ends with '.'";
        if (name.Split('/').Any(part => part.StartsWith('.') || part.EndsWith(".lock", StringComparison.Ordinal)))
            return "has a part that starts with '.' or ends with '.lock'";
        return null;
    }

    public static bool IsValid(string name) => Problem(name) is null;

    /// <summary>The name as a message may quote it: control characters written as \uXXXX, a long name cut.</summary>
    public static string Shown(string name)
    {
        var text = new StringBuilder();
        foreach (var c in name.Length <= 80 ? name : name[..80])
            text.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c);
        return name.Length <= 80 ? text.ToString() : text + "…";
    }

    private static readonly char[] Forbidden = [' ', '~', '^', ':', '?', '*', '[', '\\'];
}
