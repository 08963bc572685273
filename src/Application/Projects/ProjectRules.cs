using Comet.Application.Common.Validation;
using System.Text.RegularExpressions;
using Comet.Application.Common.Git;
using Comet.Domain.Projects;
using FluentValidation;

namespace Comet.Application.Projects;

/// <summary>Field rules shared by create and update, so both reject bad input with the same words.</summary>
public static partial class ProjectRules
{
    /// <summary>A webhook secret: 256 random bits as 64 hex characters, which every forge's secret field accepts.</summary>
    public static string NewWebhookSecret() => System.Security.Cryptography.RandomNumberGenerator.GetHexString(64, lowercase: true);

    public const int MaxNameLength = 100;
    public const int MaxRepoUrlLength = 2048;
    public const int MaxBranchLength = GitRefName.MaxLength;
    public const int MaxPipelineFileLength = 255;

    public static IRuleBuilderOptions<T, string?> ValidProjectName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("Name must not be empty.")
            .PlainDisplayText()
            .MaximumLength(MaxNameLength).WithMessage($"Name must be at most {MaxNameLength} characters.")
            .Must(n => string.IsNullOrWhiteSpace(n) || Slug.FromName(n).Length > 0)
            .WithMessage("Name must contain at least one letter or digit (it becomes the project's URL name).");

    public static IRuleBuilderOptions<T, string?> ValidRepoUrl<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(u => !string.IsNullOrWhiteSpace(u)).WithMessage("Repository URL must not be empty.")
            .MaximumLength(MaxRepoUrlLength)
            .Must(u => string.IsNullOrWhiteSpace(u) || IsCloneableUrl(u))
            .WithMessage("Repository URL must be an https, http, ssh, git or file URL, an scp-style address (git@host:owner/repo.git) or an absolute path.");

    public static IRuleBuilderOptions<T, string?> ValidBranchName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(b => b is null || GitRefName.IsValid(b))
            .WithMessage((_, b) => $"Default branch '{GitRefName.Shown(b!)}' is not a valid git branch name: it {GitRefName.Problem(b!)}.");

    public static IRuleBuilderOptions<T, string?> ValidForge<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(f => f is null || TryParseForge(f, out _))
            .WithMessage("Forge must be one of: github, gitlab, gitea, generic.");

    public static IRuleBuilderOptions<T, string?> ValidPipelineFile<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(p => p is null || IsRelativeRepoPath(p))
            .WithMessage("Pipeline file must be a relative path inside the repository (no leading '/', no '..').");

    public static IRuleBuilderOptions<T, AutoCancelSettings?> ValidAutoCancel<T>(this IRuleBuilder<T, AutoCancelSettings?> rule) =>
        rule.Must(a => a?.Branches is null || TryParseAutoCancelBranches(a.Branches, out _))
            .WithMessage("autoCancel.branches must be one of: non_default, all, none.");

    public static bool TryParseAutoCancelBranches(string value, out AutoCancelBranches branches)
    {
        branches = value switch
        {
            "non_default" => AutoCancelBranches.NonDefault,
            "all" => AutoCancelBranches.All,
            "none" => AutoCancelBranches.None,
            _ => (AutoCancelBranches)(-1),
        };
        return Enum.IsDefined(branches);
    }

    /// <summary>The project's auto-cancel setting with what <paramref name="given"/> changes.</summary>
    public static void ApplyAutoCancel(Project project, AutoCancelSettings? given, DateTime now)
    {
        if (given is null) return;
        var branches = given.Branches is null ? project.AutoCancelBranches
            : TryParseAutoCancelBranches(given.Branches, out var parsed) ? parsed
            : throw new ArgumentException($"Unknown autoCancel.branches '{given.Branches}'.");
        project.SetAutoCancel(branches, given.PullRequests ?? project.AutoCancelPullRequests, now);
    }

    public static bool TryParseForge(string value, out Forge forge) =>
        Enum.TryParse(value, ignoreCase: true, out forge) && Enum.IsDefined(forge) && !int.TryParse(value, out _);

    /// <summary>github.com and gitlab.com are recognised; anything else is generic until the user says otherwise.</summary>
    public static Forge GuessForge(string repoUrl)
    {
        var url = repoUrl.ToLowerInvariant();
        if (url.Contains("github.com")) return Forge.Github;
        if (url.Contains("gitlab.com")) return Forge.Gitlab;
        return Forge.Generic;
    }

    private static bool IsCloneableUrl(string url)
    {
        if (url.Any(char.IsWhiteSpace)) return false;
        if (url.StartsWith('/')) return true;
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return uri.Scheme is "https" or "http" or "ssh" or "git" or "file" && (uri.Scheme == "file" || uri.Host.Length > 0);
        return ScpStyle().IsMatch(url);
    }

    private static bool IsRelativeRepoPath(string path) =>
        path.Length is > 0 and <= MaxPipelineFileLength
        && !path.StartsWith('/') && !path.Contains('\\')
        && path.Split('/').All(segment => segment.Length > 0 && segment != "..");

    [GeneratedRegex(@"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$")]
    private static partial Regex ScpStyle();
}
