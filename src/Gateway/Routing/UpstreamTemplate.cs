using System.Text;
using System.Text.RegularExpressions;

namespace Comet.Gateway.Routing;

/// <summary>
/// An UpstreamPathTemplate compiled to a matcher. A placeholder <c>{name}</c> matches one path segment, or part of one
/// (<c>/api/v{version}/cards</c>), never across '/'. A last segment <c>{everything}</c> is the catch-all: it matches
/// the rest of the path, slashes included, and also nothing at all (<c>/api/{everything}</c> matches <c>/api</c>).
/// </summary>
public sealed class UpstreamTemplate
{
    public const string CatchAllName = "everything";

    private readonly Regex _regex;

    private UpstreamTemplate(string text, Regex regex, IReadOnlyList<string> placeholders, bool isCatchAll, int literalLength)
    {
        Text = text;
        _regex = regex;
        Placeholders = placeholders;
        IsCatchAll = isCatchAll;
        LiteralLength = literalLength;
    }

    public string Text { get; }
    public IReadOnlyList<string> Placeholders { get; }
    public bool IsCatchAll { get; }

    /// <summary>Characters outside placeholders: among equal priorities, the more literal template is the more specific.</summary>
    public int LiteralLength { get; }

    /// <summary>Compiles a template; a malformed one throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static UpstreamTemplate Parse(string template, bool caseSensitive)
    {
        if (!template.StartsWith('/'))
            throw new FormatException($"'{template}' must start with '/'.");
        var segments = template[1..].Split('/');
        var pattern = new StringBuilder("^");
        var names = new List<string>();
        var literalLength = 0;
        var isCatchAll = false;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (i == segments.Length - 1 && segment == "{" + CatchAllName + "}")
            {
                if (names.Contains(CatchAllName, StringComparer.Ordinal))
                    throw new FormatException($"'{template}' uses {{{CatchAllName}}} twice.");
                // Optional, so that /api/{everything} also answers /api itself.
                pattern.Append("(?:/(?<").Append(GroupName(names.Count)).Append(">.*))?");
                names.Add(CatchAllName);
                isCatchAll = true;
                break;
            }
            pattern.Append('/');
            foreach (var part in TemplateParts.Split(segment, template))
            {
                if (part.IsPlaceholder)
                {
                    if (names.Contains(part.Text, StringComparer.Ordinal))
                        throw new FormatException($"'{template}' uses {{{part.Text}}} twice.");
                    pattern.Append("(?<").Append(GroupName(names.Count)).Append(">[^/]+?)");
                    names.Add(part.Text);
                }
                else
                {
                    literalLength += part.Text.Length;
                    pattern.Append(Regex.Escape(part.Text));
                }
            }
        }
        pattern.Append('$');

        var options = RegexOptions.CultureInvariant | RegexOptions.Compiled | RegexOptions.ExplicitCapture;
        if (!caseSensitive) options |= RegexOptions.IgnoreCase;
        return new UpstreamTemplate(template, new Regex(pattern.ToString(), options, TimeSpan.FromSeconds(1)), names, isCatchAll, literalLength);
    }

    /// <summary>Matches an escaped request path; the placeholder values stay escaped, ready for the downstream path.</summary>
    public bool TryMatch(string path, out IReadOnlyDictionary<string, string> values)
    {
        var match = _regex.Match(path);
        if (!match.Success)
        {
            values = Empty;
            return false;
        }
        if (Placeholders.Count == 0)
        {
            values = Empty;
            return true;
        }
        var found = new Dictionary<string, string>(Placeholders.Count, StringComparer.Ordinal);
        for (var i = 0; i < Placeholders.Count; i++) found[Placeholders[i]] = match.Groups[GroupName(i)].Value;
        values = found;
        return true;
    }

    /// <summary>Regex group names are generated: a placeholder may be named "1st", which .NET does not take as a group name.</summary>
    private static string GroupName(int index) => "p" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}

/// <summary>Splits a template segment into literal text and <c>{placeholder}</c> names.</summary>
internal static class TemplateParts
{
    public readonly record struct Part(string Text, bool IsPlaceholder);

    public static List<Part> Split(string segment, string template)
    {
        var parts = new List<Part>();
        var position = 0;
        while (position < segment.Length)
        {
            var open = segment.IndexOf('{', position);
            var strayClose = segment.IndexOf('}', position);
            if (strayClose >= 0 && (open < 0 || strayClose < open))
                throw new FormatException($"'{template}' has a '}}' without its '{{'.");
            if (open < 0)
            {
                parts.Add(new Part(segment[position..], false));
                break;
            }
            if (open > position) parts.Add(new Part(segment[position..open], false));
            var close = segment.IndexOf('}', open);
            if (close < 0) throw new FormatException($"'{template}' has a '{{' without its '}}'.");
            var name = segment[(open + 1)..close];
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                throw new FormatException($"'{template}' has a placeholder '{{{name}}}'; names are letters, digits and '_'.");
            if (parts.Count > 0 && parts[^1].IsPlaceholder)
                throw new FormatException($"'{template}' has two placeholders with nothing between them.");
            parts.Add(new Part(name, true));
            position = close + 1;
        }
        return parts;
    }
}
