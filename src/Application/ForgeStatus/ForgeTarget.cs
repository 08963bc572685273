using Comet.Application.Webhooks;
using Comet.Domain.Outbound;
using Comet.Domain.Projects;

namespace Comet.Application.ForgeStatus;

/// <summary>
/// Where a project's statuses go: its forge's API root and the repository's path there ("acme/shop-api"; GitLab may
/// nest groups). The path is read from the project's repository URL the way webhooks match projects
/// (<see cref="RepositoryUrl"/>), unless the setting names one (a mirror, a local clone).
/// </summary>
public sealed record ForgeTarget(Forge Forge, string ApiUrl, string Repository)
{
    public const string GithubApi = "https://api.github.com";
    public const string GitlabApi = "https://gitlab.com/api/v4";

    /// <summary>The public API of a forge that has one; Gitea has none (each instance is its own).</summary>
    public static string? DefaultApi(Forge forge) => forge switch
    {
        Forge.Github => GithubApi,
        Forge.Gitlab => GitlabApi,
        _ => null,
    };

    /// <summary>"acme/shop-api" from "https://github.com/Acme/Shop-API.git" or "git@github.com:acme/shop-api"; null for a local path.</summary>
    public static string? RepositoryOf(string repoUrl)
    {
        var key = RepositoryUrl.Normalize(repoUrl);
        if (key.Length == 0 || key.StartsWith("file:", StringComparison.Ordinal)) return null;
        var slash = key.IndexOf('/');
        if (slash <= 0) return null;
        var path = key[(slash + 1)..];
        return path.Count(c => c == '/') >= 1 ? path : null;
    }

    /// <summary>The target, or null when the project's setting cannot say (no API URL for its forge, no repository).</summary>
    public static ForgeTarget? Of(Project project, ForgeStatusSetting setting)
    {
        var api = setting.ApiUrl ?? DefaultApi(project.Forge);
        var repository = setting.Repository ?? RepositoryOf(project.RepoUrl);
        if (project.Forge == Forge.Generic || api is null || repository is null) return null;
        return new ForgeTarget(project.Forge, api.TrimEnd('/'), repository);
    }

    /// <summary>The circuit-breaker key: one breaker per API host.</summary>
    public string Destination => new Uri(ApiUrl).GetLeftPart(UriPartial.Authority);
}
