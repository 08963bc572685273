namespace Comet.Orchestrator.Infrastructure;

/// <summary>
/// Where a sign-in may send the browser afterwards: only a path of this site, so a link cannot turn Comet's sign-in into
/// a hop to someone else's page (an open redirect). The same test as ASP.NET Core's Url.IsLocalUrl.
/// </summary>
public static class LocalReturnPath
{
    public static bool IsLocal(string value)
    {
        if (value.Length == 0 || value[0] != '/') return false;
        // "//host" and "/\host" are read by browsers as another site's address.
        if (value.Length > 1 && value[1] is '/' or '\\') return false;
        // Control characters (CR, LF, tab) could split the Location header or be dropped by a browser to make "//".
        return !value.Any(char.IsControl);
    }
}
