using Comet.Domain.Runs;
using Comet.Domain.Tests.Support;

namespace Comet.Domain.Tests;

/// <summary>Checks the helper the state machine tests use to reach each "from" status.</summary>
public class StatusPathTests
{
    [Test]
    public void Finds_the_shortest_chain_of_allowed_moves()
    {
        var path = StatusPath.Find(JobTransitionTests.Expected, JobStatus.Created, JobStatus.Success);

        Assert.That(path, Is.EqualTo(new[] { JobStatus.Queued, JobStatus.Running, JobStatus.Success }));
    }

    [Test]
    public void The_path_to_the_start_is_empty()
    {
        Assert.That(StatusPath.Find(StepTransitionTests.Expected, StepStatus.Pending, StepStatus.Pending), Is.Empty);
    }

    [Test]
    public void Unreachable_status_is_reported()
    {
        Assert.Throws<InvalidOperationException>(
            () => StatusPath.Find(RunTransitionTests.Expected, RunStatus.Success, RunStatus.Pending));
    }

    [Test]
    public void Every_status_is_reachable_from_the_initial_one()
    {
        Assert.Multiple(() =>
        {
            foreach (var s in Enum.GetValues<RunStatus>())
                Assert.DoesNotThrow(() => StatusPath.Find(RunTransitionTests.Expected, RunStatus.Pending, s), $"run {s}");
            foreach (var s in Enum.GetValues<JobStatus>())
                Assert.DoesNotThrow(() => StatusPath.Find(JobTransitionTests.Expected, JobStatus.Created, s), $"job {s}");
            foreach (var s in Enum.GetValues<StepStatus>())
                Assert.DoesNotThrow(() => StatusPath.Find(StepTransitionTests.Expected, StepStatus.Pending, s), $"step {s}");
        });
    }

    [Test]
    public void Every_pair_of_the_enum_is_listed_once()
    {
        var pairs = StatusPath.AllPairs(JobTransitionTests.Expected).ToList();
        var n = Enum.GetValues<JobStatus>().Length;

        Assert.Multiple(() =>
        {
            Assert.That(pairs, Has.Count.EqualTo(n * n));
            Assert.That(pairs.Select(p => (p.From, p.To)), Is.Unique);
            Assert.That(pairs.Count(p => p.Allowed), Is.EqualTo(6 + 5 + 4 + 3 + 5));
        });
    }
}
