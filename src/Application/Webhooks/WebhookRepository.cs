using System.Text.Json;
using Comet.Domain.Projects;

namespace Comet.Application.Webhooks;

/// <summary>
/// The one thing read from a delivery before its signature is checked: which repository it claims to be for, so the
/// projects whose secrets may have signed it can be found. Nothing else (ref, commits, event) is looked at, and a
/// body that cannot be read gives no URLs rather than an error, so the answer to an unverified request never
/// depends on what its body holds.
/// </summary>
public static class WebhookRepository
{
    public static IReadOnlyList<string> UrlsIn(Forge forge, ReadOnlySpan<byte> body)
    {
        try
        {
            using var document = ForgeEventParser.Read(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return [];
            return forge switch
            {
                Forge.Github => GithubEvents.RepositoryUrls(root.Obj("repository")),
                // Merge requests name the target project (where the webhook lives) under object_attributes.target too.
                Forge.Gitlab => PayloadReader.Distinct(
                    root.Obj("project").Urls(GitlabEvents.ProjectUrlFields),
                    root.Obj("repository").Urls(GitlabEvents.RepositoryUrlFields),
                    root.Obj("object_attributes")?.Obj("target").Urls(GitlabEvents.ProjectUrlFields) ?? []),
                Forge.Gitea or Forge.Generic => root.Obj("repository").Urls(GiteaEvents.RepositoryUrlFields),
                _ => [],
            };
        }
        catch (WebhookPayloadException)
        {
            return [];
        }
    }
}
