namespace Comet.Application.Common.Interfaces;

/// <summary>
/// The one address users reach Comet at, for every link Comet makes (artifact URLs, run links, notifications): the
/// configured public URL, else the address the client used at the gateway. Links made from it stay valid for whoever
/// receives them, unlike the orchestrator's own loopback address.
/// </summary>
public interface IPublicAddress
{
    /// <summary>The public root, ending in '/' (e.g. https://ci.example.com/).</summary>
    Uri Root { get; }

    /// <summary>An absolute URL for <paramref name="pathAndQuery"/> (e.g. /api/v1/runs/…) under the public root.</summary>
    string Link(string pathAndQuery) => Root.ToString().TrimEnd('/') + "/" + pathAndQuery.TrimStart('/');
}

public static class PublicLinks
{
    /// <summary>A run's API address; notifications and answers that name a run point here.</summary>
    public static string RunLink(this IPublicAddress address, Guid runId) => address.Link($"/api/v1/runs/{runId}");
}
