using Comet.Domain.Common;
using Comet.Domain.Runs;

namespace Comet.Domain.Tests;

public class StatusNameTests
{
    [Test]
    public void Multi_word_status_becomes_snake_case()
    {
        Assert.That(StatusName.Of(JobStatus.WaitingForApproval), Is.EqualTo("waiting_for_approval"));
    }

    [Test]
    public void Single_word_status_becomes_lowercase()
    {
        Assert.That(StatusName.Of(JobStatus.Success), Is.EqualTo("success"));
    }

    [Test]
    public void Names_of_run_and_step_statuses_are_lowercase_too()
    {
        Assert.Multiple(() =>
        {
            Assert.That(StatusName.Of(RunStatus.Pending), Is.EqualTo("pending"));
            Assert.That(StatusName.Of(StepStatus.Skipped), Is.EqualTo("skipped"));
        });
    }

    [Test]
    public void Rejected_transition_message_uses_the_snake_case_names()
    {
        var job = new Job(Guid.NewGuid(), "deploy", [], allowFailure: false);
        job.MoveTo(JobStatus.WaitingForApproval, DateTime.UtcNow);

        var ex = Assert.Throws<InvalidTransitionException>(() => job.MoveTo(JobStatus.Running, DateTime.UtcNow));

        Assert.That(ex!.Message, Is.EqualTo("A job cannot go from 'waiting_for_approval' to 'running'."));
    }
}
