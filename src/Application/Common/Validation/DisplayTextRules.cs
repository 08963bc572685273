using System.Globalization;
using FluentValidation;

namespace Comet.Application.Common.Validation;

/// <summary>
/// What a name that people read may not hold: control characters (C0, DEL, C1: a NUL cuts it short in C tools and
/// logs, an escape can repaint a terminal) and the invisible bidirectional controls, which make a name read
/// differently from what it is ("Trojan Source"). One rule, so every name refuses the same characters with the same
/// words: which character, and where.
/// </summary>
public static class DisplayTextRules
{
    private static readonly Dictionary<int, string> Names = new()
    {
        [0x00] = "NULL", [0x07] = "BELL", [0x08] = "BACKSPACE", [0x09] = "CHARACTER TABULATION", [0x0A] = "LINE FEED",
        [0x0B] = "LINE TABULATION", [0x0C] = "FORM FEED", [0x0D] = "CARRIAGE RETURN", [0x1B] = "ESCAPE", [0x7F] = "DELETE",
        [0x85] = "NEXT LINE", [0x9B] = "CONTROL SEQUENCE INTRODUCER",
        [0x061C] = "ARABIC LETTER MARK", [0x200E] = "LEFT-TO-RIGHT MARK", [0x200F] = "RIGHT-TO-LEFT MARK",
        [0x2028] = "LINE SEPARATOR", [0x2029] = "PARAGRAPH SEPARATOR",
        [0x202A] = "LEFT-TO-RIGHT EMBEDDING", [0x202B] = "RIGHT-TO-LEFT EMBEDDING", [0x202C] = "POP DIRECTIONAL FORMATTING",
        [0x202D] = "LEFT-TO-RIGHT OVERRIDE", [0x202E] = "RIGHT-TO-LEFT OVERRIDE",
        [0x2066] = "LEFT-TO-RIGHT ISOLATE", [0x2067] = "RIGHT-TO-LEFT ISOLATE", [0x2068] = "FIRST STRONG ISOLATE",
        [0x2069] = "POP DIRECTIONAL ISOLATE",
    };

    /// <summary>True for a character a name may not hold.</summary>
    public static bool IsRefused(char c) =>
        char.IsControl(c) // U+0000–U+001F, U+007F, U+0080–U+009F
        || c is '\u061C' or '\u200E' or '\u200F' or '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>"U+202E RIGHT-TO-LEFT OVERRIDE at position 3" for the first refused character (positions count from 1), or null.</summary>
    public static string? FirstRefused(string? text)
    {
        if (text is null) return null;
        for (var i = 0; i < text.Length; i++)
            if (IsRefused(text[i])) return $"{Describe(text[i])} at position {(i + 1).ToString(CultureInfo.InvariantCulture)}";
        return null;
    }

    public static string Describe(char c) =>
        $"U+{(int)c:X4} " + (Names.TryGetValue(c, out var name) ? name : "CONTROL CHARACTER");

    /// <summary>Refuses control characters and bidirectional controls: "Name contains U+202E RIGHT-TO-LEFT OVERRIDE at position 3."</summary>
    public static IRuleBuilderOptions<T, string?> PlainDisplayText<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => FirstRefused(text) is null).WithMessage((_, text) => $"{{PropertyName}} contains {FirstRefused(text)}.");
}
