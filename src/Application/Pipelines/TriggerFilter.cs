namespace Comet.Application.Pipelines;

/// <summary>What started a run, for <see cref="TriggerFilter"/>. <see cref="ChangedPaths"/> null means not known.</summary>
public sealed record TriggerContext(string Event, string? Branch, string? Tag, IReadOnlyList<string>? ChangedPaths);

/// <summary>
/// Decides whether a pipeline (top-level <c>when</c>) or a job (its own <c>when</c>) runs for a trigger.
/// No rules: it runs. Several entries: any may match. Inside one entry: every given filter must match.
/// </summary>
public static class TriggerFilter
{
    public const string Push = "push";
    public const string PullRequest = "pull_request";
    public const string Tag = "tag";
    public const string Manual = "manual";
    public const string Cron = "cron";

    public static readonly IReadOnlyList<string> KnownEvents = [Push, PullRequest, Tag, Manual, Cron];

    public static bool Matches(IReadOnlyList<WhenRule> rules, TriggerContext context)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(context);
        return rules.Count == 0 || rules.Any(rule => Matches(rule, context));
    }

    public static bool Matches(WhenRule rule, TriggerContext context) =>
        (rule.Events.Count == 0 || rule.Events.Any(e => string.Equals(e, context.Event, StringComparison.OrdinalIgnoreCase)))
        && MatchesName(rule.Branches, WithoutPrefix(context.Branch, "refs/heads/"))
        && MatchesName(rule.Tags, WithoutPrefix(context.Tag, "refs/tags/"))
        && MatchesPaths(rule.Paths, context.ChangedPaths);

    // A branch filter on a tag build (no branch) does not match, and the other way round.
    private static bool MatchesName(IReadOnlyList<string> patterns, string? name) =>
        patterns.Count == 0 || (name is not null && patterns.Any(p => GlobPattern.IsMatch(p, name)));

    // Unknown changes (a manual run, a first push) cannot rule a pipeline out; a known empty change list can.
    private static bool MatchesPaths(IReadOnlyList<string> patterns, IReadOnlyList<string>? changed) =>
        patterns.Count == 0 || changed is null
        || changed.Any(path => patterns.Any(p => GlobPattern.IsMatch(p, path.TrimStart('/'))));

    private static string? WithoutPrefix(string? name, string prefix) =>
        name is not null && name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
}
