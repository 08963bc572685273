namespace Comet.Application.Runs.Execution;

/// <summary>What started a run: a webhook event or a person.</summary>
/// <param name="Event">push, pull_request, tag, manual or cron.</param>
/// <param name="Ref">The full ref (refs/heads/main) or, for manual runs, a branch name.</param>
/// <param name="FetchRef">Where to fetch the commit from when it is not <paramref name="Ref"/> (pull requests from forks).</param>
/// <param name="ChangedFiles">For path filters; null when the event does not say (or says only part).</param>
/// <param name="TriggeredBy">Who caused it (a user, or the forge login that pushed); recorded with its deployments.</param>
/// <param name="CommitAuthor">The commit author's name when the event says it; otherwise it is read from the repository.</param>
/// <param name="FromFork">A pull request from a fork: its jobs get no secrets unless a secret allows forks.</param>
public sealed record RunTrigger(
    string Event,
    string Ref,
    string? Sha,
    string? Branch,
    string? Tag,
    string? FetchRef = null,
    string? CommitMessage = null,
    IReadOnlyList<string>? ChangedFiles = null,
    IReadOnlyDictionary<string, string>? Variables = null,
    bool FromFork = false,
    string? TriggeredBy = null,
    string? CommitAuthor = null);
