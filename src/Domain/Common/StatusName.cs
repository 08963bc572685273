using System.Text;

namespace Comet.Domain.Common;

/// <summary>The lowercase snake_case name of a status, as it appears in the API and the database.</summary>
public static class StatusName
{
    public static string Of<TStatus>(TStatus status) where TStatus : struct, Enum
    {
        var name = status.ToString();
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) builder.Append('_');
            builder.Append(char.ToLowerInvariant(name[i]));
        }
        return builder.ToString();
    }
}
