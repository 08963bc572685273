using Comet.Application.Pipelines;
using static Comet.Application.Tests.Pipelines.PipelineTestSupport;

namespace Comet.Application.Tests.Pipelines;

/// <summary>The <c>when</c> filters as a user writes them in YAML, against the triggers a forge sends.</summary>
public sealed class TriggerFilterTests
{
    private static IReadOnlyList<WhenRule> When(string whenYaml) =>
        ParseValid($"when:\n{Indent(whenYaml)}\njobs:\n  build: {{ steps: [make] }}\n").When;

    private static string Indent(string text) => string.Join("\n", text.Split('\n').Select(line => "  " + line));

    private static TriggerContext Push(string branch, params string[] changed) =>
        new("push", branch, null, changed.Length == 0 ? null : changed);

    private static IEnumerable<TestCaseData> Cases()
    {
        TestCaseData Case(string when, TriggerContext context, bool expected, string name) =>
            new TestCaseData(when, context).Returns(expected).SetName($"When_filter_{name}");

        // Event lists.
        yield return Case("event: [push, pull_request]", Push("main"), true, "event_in_list_matches");
        yield return Case("event: [push, pull_request]", new("cron", "main", null, null), false, "event_not_in_list_does_not_match");
        yield return Case("event: push", new("manual", "main", null, null), false, "single_event_value_filters");
        yield return Case("event: [tag]", new("tag", null, "v1.0", null), true, "tag_event_matches");

        // Branch globs.
        yield return Case("branch: [main, \"release/*\"]", Push("release/1.0"), true, "branch_star_matches_one_segment");
        yield return Case("branch: [main, \"release/*\"]", Push("release/1.0/hotfix"), false, "branch_star_does_not_cross_slash");
        yield return Case("branch: [main, \"release/*\"]", Push("feature/x"), false, "other_branch_does_not_match");
        yield return Case("branch: \"release/**\"", Push("release/1.0/hotfix"), true, "double_star_matches_any_depth");
        yield return Case("branch: \"v?\"", Push("v1"), true, "question_mark_matches_one_char");
        yield return Case("branch: \"v?\"", Push("v10"), false, "question_mark_matches_only_one_char");
        yield return Case("branch: main", Push("refs/heads/main"), true, "full_ref_name_of_branch_matches");
        yield return Case("branch: main", new("tag", null, "v1", null), false, "branch_filter_does_not_match_a_tag_build");

        // Tags.
        yield return Case("tag: \"v*\"", new("tag", null, "v1.2.0", null), true, "tag_glob_matches");
        yield return Case("tag: \"v*\"", new("tag", null, "nightly", null), false, "tag_glob_rejects_other_tag");
        yield return Case("tag: \"v*\"", Push("main"), false, "tag_filter_does_not_match_a_branch_build");

        // Paths.
        yield return Case("path: [\"src/**\"]", Push("main", "docs/readme.md", "src/App/Program.cs"), true, "any_changed_path_below_folder_matches");
        yield return Case("path: [\"src/**\"]", Push("main", "src/a.cs"), true, "double_star_matches_files_directly_in_folder");
        yield return Case("path: [\"src/**\"]", Push("main", "docs/readme.md"), false, "no_changed_path_below_folder_does_not_match");
        yield return Case("path: [\"src/*.cs\"]", Push("main", "src/App/Program.cs"), false, "single_star_path_does_not_cross_folders");
        yield return Case("path: [\"**/*.md\"]", Push("main", "README.md"), true, "leading_double_star_matches_top_level_file");
        yield return Case("path: [\"**/*.md\"]", Push("main", "docs/a/b.md"), true, "leading_double_star_matches_deep_file");
        yield return Case("path: [\"**/*.md\"]", Push("main", "docs/a.mdx"), false, "extension_must_match_exactly");
        yield return Case("path: [\"/src/**\", \"./docs/\"]", Push("main", "docs/guide/intro.md"), true, "leading_slash_dot_slash_and_trailing_slash_are_understood");
        yield return Case("path: [\"src/**\"]", new("manual", "main", null, null), true, "unknown_changed_paths_pass_the_path_filter");
        yield return Case("path: [\"src/**\"]", new("push", "main", null, []), false, "known_empty_change_list_fails_the_path_filter");

        // AND within an entry, OR between entries.
        yield return Case("event: push\nbranch: main", Push("main"), true, "all_keys_of_entry_match");
        yield return Case("event: push\nbranch: main", Push("feature"), false, "one_key_of_entry_failing_fails_the_entry");
        yield return Case("event: push\nbranch: main", new("pull_request", "main", null, null), false, "event_failing_fails_the_entry");
        yield return Case("- event: tag\n- branch: main", new("tag", null, "v1", null), true, "first_entry_of_list_suffices");
        yield return Case("- event: tag\n- branch: main", Push("main"), true, "second_entry_of_list_suffices");
        yield return Case("- event: tag\n- branch: main", Push("dev"), false, "no_entry_of_list_matching_fails");
    }

    [TestCaseSource(nameof(Cases))]
    public bool Matches(string whenYaml, TriggerContext context) => TriggerFilter.Matches(When(whenYaml), context);

    [Test]
    public void No_rules_match_every_trigger()
    {
        Assert.That(TriggerFilter.Matches([], new TriggerContext("cron", null, null, [])), Is.True);
    }

    [Test]
    public void Job_level_when_filters_the_job_like_the_top_level_one()
    {
        var deploy = ParseValid(DesignSample).Jobs.Single(j => j.Name == "deploy");

        Assert.That(TriggerFilter.Matches(deploy.When, Push("main")), Is.True);
        Assert.That(TriggerFilter.Matches(deploy.When, Push("release/1.0")), Is.False);
    }
}
