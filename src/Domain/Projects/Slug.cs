using System.Globalization;
using System.Text;

namespace Comet.Domain.Projects;

/// <summary>Turns a project name into its URL name: lowercase ASCII letters, digits and single dashes.</summary>
public static class Slug
{
    public const int MaxLength = 64;

    public static string FromName(string name)
    {
        // Decompose accents so "Café" becomes "cafe" rather than "caf".
        var normalized = name.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(normalized.Length);
        var pendingDash = false;
        foreach (var c in normalized)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            var lower = char.ToLowerInvariant(c);
            if (lower is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                if (pendingDash && builder.Length > 0) builder.Append('-');
                builder.Append(lower);
                pendingDash = false;
            }
            else
            {
                pendingDash = true;
            }
        }
        var slug = builder.ToString();
        return slug.Length <= MaxLength ? slug : slug[..MaxLength].TrimEnd('-');
    }
}
