namespace Comet.Application.Webhooks;

/// <summary>What a webhook delivery asks Comet to do. Only Push, Tag and PullRequest start runs.</summary>
public enum ForgeEventKind
{
    Push,
    Tag,
    PullRequest,
    Ping,
    Deleted,
    Ignored,
}

/// <summary>One shape for GitHub, GitLab and Gitea deliveries, so the run trigger does not care which forge spoke.</summary>
/// <param name="Ref">Full ref: refs/heads/main, refs/tags/v1.0, refs/pull/7/head.</param>
/// <param name="Sha">The commit to build (after / head sha / checkout_sha).</param>
/// <param name="Branch">Push: the branch; pull request: the source (head) branch name.</param>
/// <param name="Tag">Tag push or tag deletion: the tag name.</param>
/// <param name="TargetBranch">Pull request: the base branch; otherwise null.</param>
/// <param name="FetchRef">The ref to fetch from the base repository to get <paramref name="Sha"/>; for pushes the same as <paramref name="Ref"/>.</param>
/// <param name="PullRequestNumber">GitHub/Gitea pull request number, GitLab merge request iid.</param>
/// <param name="CommitMessage">The head commit's message, when the payload carries it.</param>
/// <param name="SkipCi">The head commit message asks for no run ([skip ci] or [ci skip]).</param>
/// <param name="RepositoryUrls">Every URL the payload gives for the repository the webhook belongs to (for pull requests the base repository, never the fork).</param>
/// <param name="ChangedFiles">Paths added, modified or removed by the pushed commits; null when unknown or incomplete.</param>
/// <param name="Sender">Login of whoever caused the delivery.</param>
/// <param name="Reason">Why the event is Ignored, Deleted or a Ping, for the delivery record.</param>
/// <param name="FromFork">A pull request whose head lives in another repository (or one the payload does not name): no secrets.</param>
public sealed record ForgeEvent(
    ForgeEventKind Kind,
    string? Ref,
    string? Sha,
    string? Branch,
    string? Tag,
    string? TargetBranch,
    string? FetchRef,
    string? PullRequestNumber,
    string? CommitMessage,
    bool SkipCi,
    IReadOnlyList<string> RepositoryUrls,
    IReadOnlyList<string>? ChangedFiles,
    string? Sender,
    string? Reason,
    bool FromFork = false)
{
    /// <summary>The name of the built commit's author, when the payload carries it (pushes do, pull requests do not).</summary>
    public string? CommitAuthor { get; init; }

    /// <summary>True for the kinds that start runs.</summary>
    public bool StartsRun => Kind is ForgeEventKind.Push or ForgeEventKind.Tag or ForgeEventKind.PullRequest && !SkipCi;

    internal static ForgeEvent Ignored(string reason, IReadOnlyList<string> repositoryUrls, string? sender) =>
        new(ForgeEventKind.Ignored, null, null, null, null, null, null, null, null, false, repositoryUrls, null, sender, reason);
}

/// <summary>The payload cannot be read as the event its headers announce; the message says what is wrong. Maps to 400.</summary>
public sealed class WebhookPayloadException(string message) : Exception(message);
