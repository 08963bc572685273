using Comet.Application.Pipelines;
using static Comet.Application.Tests.Pipelines.PipelineTestSupport;

namespace Comet.Application.Tests.Pipelines;

/// <summary><c>environment:</c> per job, as in GitHub Actions and GitLab: a name alone, or {name, url}.</summary>
public sealed class EnvironmentKeyTests
{
    [Test]
    public void A_name_alone_or_a_mapping_with_a_url_names_where_the_job_deploys()
    {
        var pipeline = ParseValid("""
            jobs:
              build:
                steps: [make]
              staging:
                environment: staging-eu.1
                steps: [make deploy]
              production:
                environment: {name: production, url: "https://shop.example.com/?from=comet"}
                steps: [make deploy]
            """);

        Assert.That(pipeline.Jobs.Select(j => (j.Name, j.Environment)), Is.EqualTo(new (string, EnvironmentDefinition?)[]
        {
            ("build", null), ("staging", new EnvironmentDefinition("staging-eu.1", null)),
            ("production", new EnvironmentDefinition("production", "https://shop.example.com/?from=comet")),
        }));
    }

    [Test]
    public void Bad_names_and_urls_are_errors_at_the_value_with_line_and_column()
    {
        Assert.That(Errors("""
            jobs:
              a:
                environment: "prod env"
                steps: [make]
              b:
                environment: {name: ../../etc, url: "javascript:alert(1)"}
                steps: [make]
              c:
                environment: {url: "https://example.com", owner: me}
                steps: [make]
              d:
                environment: [production]
                steps: [make]
              e:
                environment: {name: production, url: "/relative/path"}
                steps: [make]
              f:
                environment: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
                steps: [make]
            """), Is.EqualTo(new[]
        {
            Error(3, 18, "'environment' in job 'a' must be an environment name of 1 to 64 letters, digits and - _ ., not 'prod env'"),
            Error(6, 25, "'name' in 'environment' in job 'b' must be an environment name of 1 to 64 letters, digits and - _ ., not '../../etc'"),
            Error(6, 41, "'url' in 'environment' in job 'b' must be an absolute http:// or https:// address of at most 2048 characters, not 'javascript:alert(1)'"),
            Error(9, 18, "'environment' in job 'c' has no 'name'; write e.g. {name: production, url: https://example.com}"),
            Error(9, 47, "unknown key 'owner' in 'environment' in job 'c'"),
            Error(12, 18, "'environment' in job 'd' must be an environment name (e.g. production) or a mapping {name: production, url: https://...}, not a list"),
            Error(15, 42, "'url' in 'environment' in job 'e' must be an absolute http:// or https:// address of at most 2048 characters, not '/relative/path'"),
            Error(18, 18, "'environment' in job 'f' must be an environment name of 1 to 64 letters, digits and - _ ., not '" + new string('a', 65) + "'"),
        }));
    }

    [Test]
    public void Environment_is_no_longer_reported_as_not_implemented()
    {
        var result = PipelineParser.Parse("jobs:\n  deploy:\n    environment: production\n    steps: [./deploy.sh]\n");

        Assert.That(result.Diagnostics, Is.Empty);
    }
}
