using System.Text.Json;
using Comet.Application.Common.Git;

namespace Comet.Application.Webhooks;

/// <summary>What a push delivery says, read out of one forge's payload.</summary>
/// <param name="HeadSha">The pushed commit when the forge names it apart from "after" (annotated tags point "after" at the tag object).</param>
/// <param name="TotalCommits">The forge's count of pushed commits, when it says; more than the listed commits means the list was cut.</param>
/// <param name="CommitCap">The most commits the forge lists; a full list may have been cut.</param>
internal sealed record PushFacts(
    string Forge,
    string? Ref,
    string? After,
    string? HeadSha,
    bool DeletedFlag,
    JsonElement? HeadCommit,
    JsonElement? Commits,
    long? TotalCommits,
    int? CommitCap,
    IReadOnlyList<string> RepositoryUrls,
    string? Sender);

/// <summary>The rules every forge's push follows once its fields are found: branch or tag, deletion, head commit, changed files.</summary>
internal static class PushEvents
{
    private const string BranchPrefix = "refs/heads/";
    private const string TagPrefix = "refs/tags/";

    public static ForgeEvent From(PushFacts push)
    {
        var fullRef = RefName(push.Ref, $"{push.Forge} push payload", "ref") ?? throw new WebhookPayloadException($"{push.Forge} push payload has no 'ref'.");
        var branch = NameAfter(fullRef, BranchPrefix);
        var tag = NameAfter(fullRef, TagPrefix);
        if (branch is null && tag is null)
            return ForgeEvent.Ignored($"push to '{fullRef}' is neither a branch nor a tag", push.RepositoryUrls, push.Sender);

        if (push.DeletedFlag || IsZeroSha(push.After))
            return Deleted(fullRef, branch, tag, push.RepositoryUrls, push.Sender);

        var sha = Sha(push.HeadSha ?? push.After, $"{push.Forge} push payload", "after");
        var head = HeadCommit(push.HeadCommit, push.Commits, sha);
        var message = head?.Str("message");
        return new ForgeEvent(
            tag is null ? ForgeEventKind.Push : ForgeEventKind.Tag,
            fullRef,
            sha,
            branch,
            tag,
            TargetBranch: null,
            FetchRef: fullRef,
            PullRequestNumber: null,
            message,
            AsksToSkipCi(message),
            push.RepositoryUrls,
            // Path filters apply to branch pushes; a tag names a commit, it changes no files.
            tag is null ? ChangedFiles(push.Commits, push.TotalCommits, push.CommitCap) : null,
            push.Sender,
            Reason: null)
        {
            CommitAuthor = head?.Obj("author")?.Str("name"),
        };
    }

    /// <summary>GitHub's and Gitea's "delete" event: the ref is a short name and ref_type says branch or tag.</summary>
    public static ForgeEvent FromDeleteEvent(string forge, JsonElement root, IReadOnlyList<string> urls, string? sender)
    {
        var name = root.Str("ref") ?? throw new WebhookPayloadException($"{forge} delete payload has no 'ref'.");
        var fullRef = name.StartsWith("refs/", StringComparison.Ordinal)
            ? name
            : root.Str("ref_type") switch
            {
                "branch" => BranchPrefix + name,
                "tag" => TagPrefix + name,
                var other => throw new WebhookPayloadException(
                    $"{forge} delete payload has ref_type '{other}'; expected 'branch' or 'tag'."),
            };
        RefName(fullRef, $"{forge} delete payload", "ref");
        var branch = NameAfter(fullRef, BranchPrefix);
        var tag = NameAfter(fullRef, TagPrefix);
        if (branch is null && tag is null)
            return ForgeEvent.Ignored($"deletion of '{fullRef}', which is neither a branch nor a tag", urls, sender);
        return Deleted(fullRef, branch, tag, urls, sender);
    }

    private static ForgeEvent Deleted(string fullRef, string? branch, string? tag, IReadOnlyList<string> urls, string? sender) =>
        new(ForgeEventKind.Deleted, fullRef, null, branch, tag, null, null, null, null, false, urls, null, sender,
            branch is not null ? $"branch '{branch}' was deleted" : $"tag '{tag}' was deleted");

    private static string? NameAfter(string fullRef, string prefix) =>
        fullRef.StartsWith(prefix, StringComparison.Ordinal) && fullRef.Length > prefix.Length ? fullRef[prefix.Length..] : null;

    public static bool IsZeroSha(string? sha) => !string.IsNullOrEmpty(sha) && sha.All(c => c == '0');

    /// <summary>A full SHA-1 or SHA-256 object name, lowercase. Anything else is refused: it ends up on a git command line.</summary>
    public static string Sha(string? value, string payload, string field)
    {
        if (value is null)
            throw new WebhookPayloadException($"{payload} has no '{field}' commit sha.");
        if (value.Length is not (40 or 64) || !value.All(char.IsAsciiHexDigit))
            throw new WebhookPayloadException($"{payload} has '{field}' = '{value}', which is not a full commit sha.");
        return value.ToLowerInvariant();
    }

    /// <summary>
    /// A ref or branch name, checked with the rule manual runs use. git itself refuses the names this refuses
    /// ('..', control characters, NUL), so no real push carries one; a payload that does is a 400, like a bad sha.
    /// </summary>
    public static string? RefName(string? value, string payload, string field)
    {
        if (value is not null && GitRefName.Problem(value) is { } problem)
            throw new WebhookPayloadException($"{payload} has '{field}' = '{GitRefName.Shown(value)}', which is not a valid git ref name: it {problem}.");
        return value;
    }

    /// <summary>A pull or merge request number; it is put into a ref name, so only digits pass.</summary>
    public static string Number(string? value, string payload, string field)
    {
        if (value is null)
            throw new WebhookPayloadException($"{payload} has no '{field}'.");
        if (!value.All(char.IsAsciiDigit) || value.TrimStart('0').Length == 0)
            throw new WebhookPayloadException($"{payload} has '{field}' = '{value}', which is not a positive number.");
        return value.TrimStart('0');
    }

    public static bool AsksToSkipCi(string? message) =>
        message is not null
        && (message.Contains("[skip ci]", StringComparison.OrdinalIgnoreCase)
            || message.Contains("[ci skip]", StringComparison.OrdinalIgnoreCase));

    /// <summary>The commit being built, whose message and author the run shows.</summary>
    private static JsonElement? HeadCommit(JsonElement? headCommit, JsonElement? commits, string sha)
    {
        if (headCommit is { } head)
            return head;
        if (commits is not { } list)
            return null;
        // Only the commit that is being built counts: an older commit's [skip ci] must not skip the newest one.
        foreach (var commit in list.EnumerateArray())
        {
            if (string.Equals(commit.Str("id"), sha, StringComparison.OrdinalIgnoreCase))
                return commit;
        }
        return null;
    }

    /// <summary>Union of added, modified and removed paths over the listed commits; null when the list may be incomplete.</summary>
    private static IReadOnlyList<string>? ChangedFiles(JsonElement? commits, long? totalCommits, int? commitCap)
    {
        if (commits is not { } list)
            return null;
        var count = list.GetArrayLength();
        // An empty list (a new branch at an existing commit, a force push back) tells nothing about what changed.
        if (count == 0 || totalCommits > count || count >= commitCap)
            return null;

        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var commit in list.EnumerateArray())
        {
            var listed = false;
            foreach (var field in (ReadOnlySpan<string>)["added", "modified", "removed"])
            {
                if (commit.Array(field) is not { } paths)
                    continue;
                listed = true;
                foreach (var path in paths.EnumerateArray())
                {
                    if (path.ValueKind == JsonValueKind.String && path.GetString() is { Length: > 0 } text)
                        files.Add(text);
                }
            }
            if (!listed)
                return null;
        }
        return files.ToArray();
    }
}
