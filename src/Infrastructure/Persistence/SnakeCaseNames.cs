using System.Text;

namespace Comet.Infrastructure.Persistence;

/// <summary>Column names are snake_case so hand-written SQL against PostgreSQL needs no quotes.</summary>
public static class SnakeCaseNames
{
    public static string Of(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])))) builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else builder.Append(c);
        }
        return builder.ToString();
    }
}
