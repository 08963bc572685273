using Comet.Domain.Common;
using Comet.Domain.Runs;
using Comet.Domain.Tests.Support;

namespace Comet.Domain.Tests;

public class RunTransitionTests
{
    /// <summary>The run state machine as the design describes it. Anything not listed is forbidden.</summary>
    internal static readonly IReadOnlyDictionary<RunStatus, RunStatus[]> Expected = new Dictionary<RunStatus, RunStatus[]>
    {
        [RunStatus.Pending] = [RunStatus.Running, RunStatus.Cancelled, RunStatus.Error],
        [RunStatus.Running] = [RunStatus.Success, RunStatus.Failed, RunStatus.Cancelled, RunStatus.Error],
    };

    internal static readonly RunStatus[] Terminal = [RunStatus.Success, RunStatus.Failed, RunStatus.Cancelled, RunStatus.Error];

    private static readonly DateTime Later = Make.T0.AddMinutes(5);

    private static IEnumerable<TestCaseData> AllowedPairs() =>
        StatusPath.AllPairs(Expected).Where(p => p.Allowed)
            .Select(p => new TestCaseData(p.From, p.To).SetName($"Run_{p.From}_to_{p.To}_is_allowed"));

    private static IEnumerable<TestCaseData> ForbiddenPairs() =>
        StatusPath.AllPairs(Expected).Where(p => !p.Allowed)
            .Select(p => new TestCaseData(p.From, p.To).SetName($"Run_{p.From}_to_{p.To}_is_rejected"));

    private static IEnumerable<TestCaseData> TerminalStatuses() =>
        Terminal.Select(s => new TestCaseData(s).SetName($"Run_{s}_is_terminal_with_no_way_out"));

    [TestCaseSource(nameof(AllowedPairs))]
    public void Allowed_transition_moves_the_run(RunStatus from, RunStatus to)
    {
        var run = Make.RunIn(from);
        Assert.That(run.Status, Is.EqualTo(from));

        run.MoveTo(to, Later);

        Assert.That(run.Status, Is.EqualTo(to));
    }

    [TestCaseSource(nameof(ForbiddenPairs))]
    public void Forbidden_transition_throws_and_keeps_the_status(RunStatus from, RunStatus to)
    {
        var run = Make.RunIn(from);
        Assert.That(run.Status, Is.EqualTo(from));

        var ex = Assert.Throws<InvalidTransitionException>(() => run.MoveTo(to, Later));

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(from));
            Assert.That(ex!.Entity, Is.EqualTo("run"));
            Assert.That(ex.From, Is.EqualTo(StatusName.Of(from)));
            Assert.That(ex.To, Is.EqualTo(StatusName.Of(to)));
        });
    }

    [TestCaseSource(nameof(TerminalStatuses))]
    public void Terminal_status_has_no_way_out(RunStatus terminal)
    {
        var run = Make.RunIn(terminal);

        Assert.Multiple(() =>
        {
            Assert.That(RunTransitions.Table.IsTerminal(terminal), Is.True);
            foreach (var to in Enum.GetValues<RunStatus>())
                Assert.Throws<InvalidTransitionException>(() => run.MoveTo(to, Later), $"{terminal} -> {to}");
            Assert.That(run.Status, Is.EqualTo(terminal));
        });
    }

    [Test]
    public void Only_the_terminal_statuses_are_terminal()
    {
        var terminal = Enum.GetValues<RunStatus>().Where(RunTransitions.Table.IsTerminal);
        Assert.That(terminal, Is.EquivalentTo(Terminal));
    }

    [Test]
    public void A_new_run_is_pending_with_no_start_or_finish()
    {
        var run = Make.Run();
        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(RunStatus.Pending));
            Assert.That(run.CreatedAt, Is.EqualTo(Make.T0));
            Assert.That(run.StartedAt, Is.Null);
            Assert.That(run.FinishedAt, Is.Null);
        });
    }

    [Test]
    public void Moving_to_running_sets_StartedAt_but_not_FinishedAt()
    {
        var run = Make.Run();

        run.MoveTo(RunStatus.Running, Later);

        Assert.Multiple(() =>
        {
            Assert.That(run.StartedAt, Is.EqualTo(Later));
            Assert.That(run.FinishedAt, Is.Null);
        });
    }

    [TestCase(RunStatus.Success)]
    [TestCase(RunStatus.Failed)]
    [TestCase(RunStatus.Cancelled)]
    [TestCase(RunStatus.Error)]
    public void Finishing_a_running_run_sets_FinishedAt_and_keeps_StartedAt(RunStatus terminal)
    {
        var run = Make.Run();
        run.MoveTo(RunStatus.Running, Make.T0);

        run.MoveTo(terminal, Later);

        Assert.Multiple(() =>
        {
            Assert.That(run.StartedAt, Is.EqualTo(Make.T0));
            Assert.That(run.FinishedAt, Is.EqualTo(Later));
        });
    }

    [TestCase(RunStatus.Cancelled)]
    [TestCase(RunStatus.Error)]
    public void A_pending_run_that_ends_directly_is_finished_but_never_started(RunStatus terminal)
    {
        var run = Make.Run();

        run.MoveTo(terminal, Later);

        Assert.Multiple(() =>
        {
            Assert.That(run.StartedAt, Is.Null);
            Assert.That(run.FinishedAt, Is.EqualTo(Later));
        });
    }

    [Test]
    public void Rejected_transition_leaves_the_timestamps_alone()
    {
        var run = Make.Run();
        run.MoveTo(RunStatus.Running, Make.T0);
        run.MoveTo(RunStatus.Success, Make.T0);

        Assert.Throws<InvalidTransitionException>(() => run.MoveTo(RunStatus.Running, Later));

        Assert.Multiple(() =>
        {
            Assert.That(run.StartedAt, Is.EqualTo(Make.T0));
            Assert.That(run.FinishedAt, Is.EqualTo(Make.T0));
        });
    }
}
