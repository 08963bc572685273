using static Comet.Application.Tests.Pipelines.PipelineTestSupport;

namespace Comet.Application.Tests.Pipelines;

/// <summary><c>network: none</c> per job: the job's steps get no network but loopback.</summary>
public sealed class NetworkKeyTests
{
    [Test]
    public void A_job_has_the_network_unless_it_says_none()
    {
        var pipeline = ParseValid("""
            jobs:
              build:
                steps: [make]
              offline:
                network: none
                steps: [make test]
              explicit:
                network: default
                steps: [make docs]
            """);

        Assert.That(pipeline.Jobs.Select(j => (j.Name, j.Network)),
            Is.EqualTo(new[] { ("build", true), ("offline", false), ("explicit", true) }));
    }

    [Test]
    public void Another_network_value_is_an_error_at_the_value()
    {
        Assert.That(Errors("""
            jobs:
              build:
                network: host
                steps: [make]
            """), Is.EqualTo(new[] { Error(3, 14, "'network' in job 'build' must be 'none' or 'default', not 'host'") }));
    }
}
