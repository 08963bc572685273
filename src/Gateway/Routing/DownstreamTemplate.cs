using System.Text;

namespace Comet.Gateway.Routing;

/// <summary>A DownstreamPathTemplate: literal text with the upstream's placeholders filled in.</summary>
public sealed class DownstreamTemplate
{
    private readonly List<TemplateParts.Part> _parts;

    private DownstreamTemplate(string text, List<TemplateParts.Part> parts)
    {
        Text = text;
        _parts = parts;
    }

    public string Text { get; }

    /// <summary>Compiles a template whose placeholders must all be defined by <paramref name="upstream"/>.</summary>
    public static DownstreamTemplate Parse(string template, UpstreamTemplate upstream)
    {
        if (!template.StartsWith('/'))
            throw new FormatException($"'{template}' must start with '/'.");
        var parts = new List<TemplateParts.Part>();
        foreach (var (segment, index) in template.Split('/').Select((s, i) => (s, i)))
        {
            if (index > 0) parts.Add(new TemplateParts.Part("/", false));
            parts.AddRange(TemplateParts.Split(segment, template));
        }
        var unknown = parts.FirstOrDefault(p => p.IsPlaceholder && !upstream.Placeholders.Contains(p.Text));
        if (unknown.Text is not null)
            throw new FormatException($"'{template}' uses {{{unknown.Text}}}, which UpstreamPathTemplate '{upstream.Text}' does not define.");
        return new DownstreamTemplate(template, parts);
    }

    /// <summary>
    /// The downstream path. An empty catch-all drops the '/' before it unless the request had one, so /api → /api
    /// and /api/ → /api/.
    /// </summary>
    public string Fill(IReadOnlyDictionary<string, string> values, bool requestEndsWithSlash) => Build("", values, requestEndsWithSlash, null);

    /// <summary>The whole target URL, <paramref name="prefix"/> + the downstream path + <paramref name="query"/>, made as one string.</summary>
    public string Url(string prefix, IReadOnlyDictionary<string, string> values, bool requestEndsWithSlash, string? query) =>
        Build(prefix, values, requestEndsWithSlash, query);

    /// <summary>One builder per thread, reused: every forwarded request makes a URL, and only the string should be new.</summary>
    [ThreadStatic] private static StringBuilder? _builder;

    private string Build(string prefix, IReadOnlyDictionary<string, string> values, bool requestEndsWithSlash, string? query)
    {
        var url = _builder ?? new StringBuilder(256);
        _builder = null;
        url.Clear().Append(prefix);
        var pathStart = url.Length;
        for (var i = 0; i < _parts.Count; i++)
        {
            var part = _parts[i];
            if (!part.IsPlaceholder)
            {
                var isSlashBeforeEmptyCatchAll = part.Text == "/" && i + 1 < _parts.Count && _parts[i + 1] is { IsPlaceholder: true } next
                    && next.Text == UpstreamTemplate.CatchAllName && values.GetValueOrDefault(next.Text, "").Length == 0
                    && !requestEndsWithSlash && url.Length > pathStart;
                if (!isSlashBeforeEmptyCatchAll) url.Append(part.Text);
                continue;
            }
            url.Append(values.GetValueOrDefault(part.Text, ""));
        }
        if (url.Length == pathStart) url.Append('/');
        url.Append(query);
        var result = url.ToString();
        if (url.Capacity <= 4096) _builder = url;
        return result;
    }
}
