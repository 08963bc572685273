namespace Comet.Domain.Projects;

/// <summary>Where a project's repository lives; decides how webhooks are verified and statuses reported.</summary>
public enum Forge
{
    Generic,
    Github,
    Gitlab,
    Gitea,
}
