using Comet.Application.Pipelines;
using static Comet.Application.Tests.Pipelines.PipelineTestSupport;

namespace Comet.Application.Tests.Pipelines;

/// <summary><c>concurrency:</c> per job, like GitLab's resource_group: a group name alone (limit 1) or {group, limit}.</summary>
public sealed class ConcurrencyKeyTests
{
    [Test]
    public void A_group_name_alone_means_one_at_a_time_and_a_mapping_gives_the_limit()
    {
        var pipeline = ParseValid("""
            jobs:
              build:
                steps: [make]
              deploy:
                concurrency: deploy-prod
                steps: [make deploy]
              docs:
                concurrency: {group: docs/site, limit: 3}
                steps: [make docs]
            """);

        Assert.That(pipeline.Jobs.Select(j => (j.Name, j.Concurrency)), Is.EqualTo(new (string, ConcurrencyDefinition?)[]
        {
            ("build", null), ("deploy", new ConcurrencyDefinition("deploy-prod", 1)), ("docs", new ConcurrencyDefinition("docs/site", 3)),
        }));
    }

    [Test]
    public void Bad_groups_and_limits_are_errors_at_the_value()
    {
        Assert.That(Errors("""
            jobs:
              a:
                concurrency: "deploy prod"
                steps: [make]
              b:
                concurrency: {group: deploy, limit: 0}
                steps: [make]
              c:
                concurrency: {limit: 2, size: 3}
                steps: [make]
              d:
                concurrency: [deploy]
                steps: [make]
            """), Is.EqualTo(new[]
        {
            Error(3, 18, "'concurrency' in job 'a' must be a group name of 1 to 100 letters, digits and - _ . / :, not 'deploy prod'"),
            Error(6, 41, "'limit' in 'concurrency' in job 'b' must be a whole number from 1 to 1000, not '0'"),
            Error(9, 18, "'concurrency' in job 'c' has no 'group'; write e.g. {group: deploy-prod, limit: 1}"),
            Error(9, 29, "unknown key 'size' in 'concurrency' in job 'c'"),
            Error(12, 18, "'concurrency' in job 'd' must be a group name (e.g. deploy-prod) or a mapping {group: deploy-prod, limit: 1}, not a list"),
        }));
    }

    [Test]
    public void Two_jobs_giving_one_group_different_limits_is_an_error_at_the_second()
    {
        Assert.That(Errors("""
            jobs:
              a:
                concurrency: {group: deploy, limit: 2}
                steps: [make]
              b:
                concurrency: deploy
                steps: [make]
            """), Is.EqualTo(new[]
        {
            Error(6, 18, "job 'b' gives concurrency group 'deploy' a limit of 1, but job 'a' gives it 2; a group has one limit"),
        }));
    }

    [Test]
    public void Gitlabs_resource_group_is_pointed_at_concurrency()
    {
        Assert.That(Errors("jobs:\n  a:\n    resource_group: deploy\n    steps: [make]\n").Single().Message,
            Is.EqualTo("unknown key 'resource_group' in job 'a'; did you mean 'concurrency'?"));
    }
}
