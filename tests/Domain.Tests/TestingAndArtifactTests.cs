using Comet.Domain.Artifacts;
using Comet.Domain.Common;
using Comet.Domain.Runs;
using Comet.Domain.Testing;
using Comet.Domain.Tests.Support;

namespace Comet.Domain.Tests;

/// <summary>Job warnings, artifact expiry and coverage arithmetic.</summary>
public class TestingAndArtifactTests
{
    [Test]
    public void A_job_keeps_its_warnings_in_order_up_to_the_cap_then_says_the_rest_were_dropped()
    {
        var job = Make.Run().AddJob("test", [], allowFailure: false);

        for (var i = 1; i <= Job.MaxWarnings + 5; i++) job.Warn($"warning {i}");

        Assert.That(job.Warnings, Has.Count.EqualTo(Job.MaxWarnings + 1));
        Assert.That(job.Warnings[0], Is.EqualTo("warning 1"));
        Assert.That(job.Warnings[Job.MaxWarnings - 1], Is.EqualTo($"warning {Job.MaxWarnings}"));
        Assert.That(job.Warnings[^1], Is.EqualTo("more warnings were dropped"));
    }

    [Test]
    public void An_artifact_has_expired_from_its_expiry_on_and_cannot_expire_before_it_was_made()
    {
        var made = Make.T0;
        var artifact = new Artifact(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "build", 1, "dist/app", 10, new string('a', 64), made, made.AddDays(1));

        Assert.Multiple(() =>
        {
            Assert.That(artifact.HasExpired(made.AddDays(1).AddTicks(-1)), Is.False);
            Assert.That(artifact.HasExpired(made.AddDays(1)), Is.True);
            Assert.That(() => new Artifact(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "build", 1, "dist/app", 10, new string('a', 64), made, made),
                Throws.TypeOf<DomainException>().With.Message.Contains("dist/app"));
        });
    }

    [Test]
    public void Coverage_rates_are_null_when_nothing_can_be_covered_and_counts_add_up()
    {
        var unit = new CoverageCounts(30, 40, 3, 4);
        var integration = new CoverageCounts(10, 60, 0, 0);

        var both = unit.Plus(integration);

        Assert.Multiple(() =>
        {
            Assert.That((unit.LineRate, unit.BranchRate), Is.EqualTo((0.75, 0.75)));
            Assert.That(integration.BranchRate, Is.Null);
            Assert.That(CoverageCounts.None.LineRate, Is.Null);
            Assert.That(both, Is.EqualTo(new CoverageCounts(40, 100, 3, 4)));
            Assert.That(both.LineRate, Is.EqualTo(0.4));
        });
    }

    [TestCase(TestStatus.Failed, true)]
    [TestCase(TestStatus.Error, true)]
    [TestCase(TestStatus.Passed, false)]
    [TestCase(TestStatus.Skipped, false)]
    public void Failed_and_error_count_as_failures(TestStatus status, bool failure) =>
        Assert.That(status.IsFailure(), Is.EqualTo(failure));
}
