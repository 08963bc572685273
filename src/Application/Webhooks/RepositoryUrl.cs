namespace Comet.Application.Webhooks;

/// <summary>
/// Reduces the many spellings of one repository address (https, ssh, scp-style, git://, with or without ".git")
/// to one key, so a webhook's URLs can be matched against the URL a project was registered with.
/// </summary>
public static class RepositoryUrl
{
    private static readonly Dictionary<string, int> DefaultPorts = new(StringComparer.Ordinal)
    {
        ["http"] = 80,
        ["https"] = 443,
        ["ssh"] = 22,
        ["git+ssh"] = 22,
        ["ssh+git"] = 22,
        ["git"] = 9418,
    };

    /// <summary>
    /// "https://GitHub.com/Acme/App.git", "git@github.com:acme/app.git", "ssh://git@github.com:22/acme/app" → "github.com/acme/app".
    /// Scheme, user info, default port, query, trailing "/" and ".git" are dropped and the result is lowercase,
    /// because forges treat owner and repository names case-insensitively. "file:///srv/app" and "/srv/app" → "file:/srv/app".
    /// </summary>
    public static string Normalize(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var text = url.Trim();
        if (text.Length == 0)
            return "";

        if (text.StartsWith('/'))
            return "file:" + CleanPath(text, isFile: true);

        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0)
        {
            var scheme = text[..schemeEnd].ToLowerInvariant();
            var rest = text[(schemeEnd + 3)..];
            if (scheme == "file")
                return "file:" + CleanPath("/" + StripQuery(rest), isFile: true);
            return FromAuthorityAndPath(scheme, rest);
        }

        if (text.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            return "file:" + CleanPath("/" + StripQuery(text[5..]), isFile: true);

        // scp-style "user@host:owner/repo.git": a colon before the first slash.
        var colon = text.IndexOf(':');
        var slash = text.IndexOf('/');
        if (colon > 0 && (slash < 0 || colon < slash))
        {
            var host = HostOf(text[..colon]);
            return Join(host, CleanPath(text[(colon + 1)..], isFile: false));
        }

        // Already a key ("github.com/acme/app") or something we cannot take apart: compare it as written.
        return CleanPath(text, isFile: false).TrimStart('/');
    }

    private static string FromAuthorityAndPath(string scheme, string rest)
    {
        rest = StripQuery(rest);
        var slash = rest.IndexOf('/');
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : rest[slash..];

        var hostAndPort = HostOf(authority);
        string host = hostAndPort;
        var portSeparator = hostAndPort.LastIndexOf(':');
        if (portSeparator > 0 && portSeparator > hostAndPort.LastIndexOf(']'))
        {
            host = hostAndPort[..portSeparator];
            var port = hostAndPort[(portSeparator + 1)..];
            if (port.Length > 0 && port.All(char.IsAsciiDigit))
            {
                if (!(DefaultPorts.TryGetValue(scheme, out var defaultPort) && int.TryParse(port, out var number) && number == defaultPort))
                    host = hostAndPort;
            }
            else
            {
                // "ssh://git@host:owner/repo" is not a valid URL but people write it: the part after the colon is path.
                path = "/" + port + path;
            }
        }

        return Join(host, CleanPath(path, isFile: false));
    }

    private static string HostOf(string authority)
    {
        var at = authority.LastIndexOf('@');
        return (at >= 0 ? authority[(at + 1)..] : authority).ToLowerInvariant();
    }

    private static string StripQuery(string text)
    {
        var end = text.IndexOfAny(['?', '#']);
        return end < 0 ? text : text[..end];
    }

    private static string Join(string host, string path) => path.Length == 0 ? host : host + path;

    /// <summary>Lowercase, unescaped, "/"-separated, without empty or "." segments, ".." resolved, no trailing "/" or ".git".</summary>
    private static string CleanPath(string path, bool isFile)
    {
        var segments = new List<string>();
        foreach (var raw in Uri.UnescapeDataString(path).Replace('\\', '/').Split('/'))
        {
            if (raw.Length == 0 || raw == ".")
                continue;
            if (raw == "..")
            {
                if (segments.Count > 0)
                    segments.RemoveAt(segments.Count - 1);
                continue;
            }
            segments.Add(raw);
        }

        if (segments.Count > 0)
        {
            var last = segments[^1];
            // "app.git" names the same repository as "app"; a trailing ".git" segment is a work tree's git folder.
            if (last.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
                last = last[..^4];
            if (last.Length == 0)
                segments.RemoveAt(segments.Count - 1);
            else
                segments[^1] = last;
        }

        return segments.Count == 0 ? (isFile ? "/" : "") : "/" + string.Join('/', segments).ToLowerInvariant();
    }
}
