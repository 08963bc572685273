using Comet.Domain.Common;
using Comet.Domain.Runs;
using Comet.Domain.Tests.Support;

namespace Comet.Domain.Tests;

public class StepTransitionTests
{
    /// <summary>The step state machine as the design describes it. Anything not listed is forbidden.</summary>
    internal static readonly IReadOnlyDictionary<StepStatus, StepStatus[]> Expected = new Dictionary<StepStatus, StepStatus[]>
    {
        [StepStatus.Pending] = [StepStatus.Running, StepStatus.Skipped, StepStatus.Cancelled],
        [StepStatus.Running] = [StepStatus.Success, StepStatus.Failed, StepStatus.Cancelled],
    };

    internal static readonly StepStatus[] Terminal = [StepStatus.Success, StepStatus.Failed, StepStatus.Cancelled, StepStatus.Skipped];

    private static readonly DateTime T1 = Make.T0.AddSeconds(10);
    private static readonly DateTime T2 = Make.T0.AddSeconds(20);

    private static IEnumerable<TestCaseData> AllowedPairs() =>
        StatusPath.AllPairs(Expected).Where(p => p.Allowed)
            .Select(p => new TestCaseData(p.From, p.To).SetName($"Step_{p.From}_to_{p.To}_is_allowed"));

    private static IEnumerable<TestCaseData> ForbiddenPairs() =>
        StatusPath.AllPairs(Expected).Where(p => !p.Allowed)
            .Select(p => new TestCaseData(p.From, p.To).SetName($"Step_{p.From}_to_{p.To}_is_rejected"));

    private static IEnumerable<TestCaseData> TerminalStatuses() =>
        Terminal.Select(s => new TestCaseData(s).SetName($"Step_{s}_is_terminal_with_no_way_out"));

    [TestCaseSource(nameof(AllowedPairs))]
    public void Allowed_transition_moves_the_step(StepStatus from, StepStatus to)
    {
        var step = Make.StepIn(from);
        Assert.That(step.Status, Is.EqualTo(from));

        step.MoveTo(to, T1);

        Assert.That(step.Status, Is.EqualTo(to));
    }

    [TestCaseSource(nameof(ForbiddenPairs))]
    public void Forbidden_transition_throws_and_keeps_the_status(StepStatus from, StepStatus to)
    {
        var step = Make.StepIn(from);
        Assert.That(step.Status, Is.EqualTo(from));

        var ex = Assert.Throws<InvalidTransitionException>(() => step.MoveTo(to, T1, exitCode: 7));

        Assert.Multiple(() =>
        {
            Assert.That(step.Status, Is.EqualTo(from));
            Assert.That(step.ExitCode, Is.Null, "a rejected move must not record an exit code");
            Assert.That(ex!.Entity, Is.EqualTo("step"));
            Assert.That(ex.From, Is.EqualTo(StatusName.Of(from)));
            Assert.That(ex.To, Is.EqualTo(StatusName.Of(to)));
        });
    }

    [TestCaseSource(nameof(TerminalStatuses))]
    public void Terminal_status_has_no_way_out(StepStatus terminal)
    {
        var step = Make.StepIn(terminal);

        Assert.Multiple(() =>
        {
            Assert.That(StepTransitions.Table.IsTerminal(terminal), Is.True);
            foreach (var to in Enum.GetValues<StepStatus>())
                Assert.Throws<InvalidTransitionException>(() => step.MoveTo(to, T1), $"{terminal} -> {to}");
            Assert.That(step.Status, Is.EqualTo(terminal));
        });
    }

    [Test]
    public void Only_the_terminal_statuses_are_terminal()
    {
        var terminal = Enum.GetValues<StepStatus>().Where(StepTransitions.Table.IsTerminal);
        Assert.That(terminal, Is.EquivalentTo(Terminal));
    }

    [Test]
    public void Running_sets_StartedAt_and_finishing_sets_FinishedAt_and_the_exit_code()
    {
        var step = Make.Step();

        step.MoveTo(StepStatus.Running, T1);
        Assert.Multiple(() =>
        {
            Assert.That(step.StartedAt, Is.EqualTo(T1));
            Assert.That(step.FinishedAt, Is.Null);
            Assert.That(step.ExitCode, Is.Null);
        });

        step.MoveTo(StepStatus.Failed, T2, exitCode: 2);
        Assert.Multiple(() =>
        {
            Assert.That(step.StartedAt, Is.EqualTo(T1));
            Assert.That(step.FinishedAt, Is.EqualTo(T2));
            Assert.That(step.ExitCode, Is.EqualTo(2));
        });
    }

    [TestCase(StepStatus.Skipped)]
    [TestCase(StepStatus.Cancelled)]
    public void A_step_that_ends_without_running_is_finished_but_never_started(StepStatus terminal)
    {
        var step = Make.Step();

        step.MoveTo(terminal, T2);

        Assert.Multiple(() =>
        {
            Assert.That(step.StartedAt, Is.Null);
            Assert.That(step.FinishedAt, Is.EqualTo(T2));
        });
    }

    [Test]
    public void Steps_added_to_a_job_are_pending_and_numbered_in_order()
    {
        var job = Make.Job();

        var first = job.AddStep("checkout");
        var second = job.AddStep("test");

        Assert.Multiple(() =>
        {
            Assert.That(job.Steps, Is.EqualTo(new[] { first, second }));
            Assert.That(first.Index, Is.EqualTo(0));
            Assert.That(second.Index, Is.EqualTo(1));
            Assert.That(second.JobId, Is.EqualTo(job.Id));
            Assert.That(second.Status, Is.EqualTo(StepStatus.Pending));
        });
    }
}
