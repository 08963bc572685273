using System.Text;
using Comet.Application.Common.Interfaces;
using Comet.Application.Pipelines;
using Comet.Application.Runs.Execution;
using Comet.Domain.Projects;
using Comet.Domain.Runs;
using Comet.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Application.Tests.Runs;

/// <summary>
/// The executor as a state machine over the job-backend contract, against a backend that records what it is asked:
/// the order of set-up, checkout, steps and destroy; what a failure at each stage makes of the job; what it writes.
/// </summary>
public sealed class JobExecutorTests
{
    private TestHost _host = null!;
    private RecordingJobBackend _backend = null!;

    [SetUp]
    public async Task StartHost()
    {
        _backend = new RecordingJobBackend();
        _host = await TestHost.StartAsync(DatabaseProvider.Sqlite, configure: services => services.AddSingleton<IJobBackend>(_backend));
    }

    [TearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task Steps_run_in_order_after_the_checkout_and_the_environment_is_destroyed_at_the_end()
    {
        var jobId = await ClaimedJobAsync(Steps("echo one", "echo two"));

        await ExecuteAsync(jobId);

        Assert.That(_backend.Calls, Is.EqualTo(new[] { "setup abc123", "checkout", "run echo one", "run echo two", "destroy" }));
        var job = await JobAsync(jobId);
        Assert.Multiple(() =>
        {
            Assert.That(job.Status, Is.EqualTo(JobStatus.Success));
            Assert.That(job.Steps.OrderBy(s => s.Index).Select(s => (s.Status, s.ExitCode)),
                Is.EqualTo(new (StepStatus, int?)[] { (StepStatus.Success, 0), (StepStatus.Success, 0) }));
            Assert.That(job.LeaseOwner, Is.Null, "a finished job holds no lease");
        });
    }

    [Test]
    public async Task The_first_step_log_opens_with_the_backends_description_and_steps_see_its_workspace()
    {
        var jobId = await ClaimedJobAsync(Steps("echo one", "echo two"));

        await ExecuteAsync(jobId);

        Assert.That(await LogLinesAsync(jobId, 0), Is.EqualTo(new[] { "[comet] recording backend: nothing runs", "ran echo one in /recorded/workspace" }));
        Assert.That(await LogLinesAsync(jobId, 1), Is.EqualTo(new[] { "ran echo two in /recorded/workspace" }), "the header is written once per job");
    }

    [Test]
    public async Task A_failed_step_fails_the_job_and_the_steps_after_it_are_skipped_without_running()
    {
        _backend.ExitCodes["exit 3"] = 3;
        var jobId = await ClaimedJobAsync(Steps("echo one", "exit 3", "echo never"));

        await ExecuteAsync(jobId);

        Assert.That(_backend.Calls, Is.EqualTo(new[] { "setup abc123", "checkout", "run echo one", "run exit 3", "destroy" }));
        var job = await JobAsync(jobId);
        Assert.Multiple(() =>
        {
            Assert.That(job.Status, Is.EqualTo(JobStatus.Failed));
            Assert.That(job.Steps.OrderBy(s => s.Index).Select(s => (s.Status, s.ExitCode)),
                Is.EqualTo(new (StepStatus, int?)[] { (StepStatus.Success, 0), (StepStatus.Failed, 3), (StepStatus.Skipped, null) }));
        });
    }

    [Test]
    public async Task A_checkout_that_fails_fails_the_job_with_gits_message_runs_nothing_and_still_destroys_the_environment()
    {
        _backend.CheckoutFailure = new GitException("git could not check out abc123: reference is not a tree");
        var jobId = await ClaimedJobAsync(Steps("echo one"));

        await ExecuteAsync(jobId);

        Assert.That(_backend.Calls, Is.EqualTo(new[] { "setup abc123", "checkout", "destroy" }));
        var job = await JobAsync(jobId);
        Assert.Multiple(() =>
        {
            Assert.That(job.Status, Is.EqualTo(JobStatus.Failed));
            Assert.That(job.Error, Is.EqualTo("git could not check out abc123: reference is not a tree"));
            Assert.That(job.Steps.Single().Status, Is.EqualTo(StepStatus.Skipped));
        });
    }

    [Test]
    public async Task A_backend_that_cannot_set_up_fails_the_job_with_its_reason()
    {
        _backend.SetupFailure = new JobBackendException("the sandbox account 'comet-runner' does not exist");
        var jobId = await ClaimedJobAsync(Steps("echo one"));

        await ExecuteAsync(jobId);

        Assert.That(_backend.Calls, Is.EqualTo(new[] { "setup abc123" }));
        var job = await JobAsync(jobId);
        Assert.That((job.Status, job.Error), Is.EqualTo((JobStatus.Failed, "the sandbox account 'comet-runner' does not exist")));
    }

    [Test]
    public async Task A_step_the_backend_cannot_run_fails_with_the_reason_in_its_log_and_the_job_still_ends()
    {
        _backend.StepFailures["make"] = new IOException("No space left on device");
        var jobId = await ClaimedJobAsync(Steps("make", "echo never"));

        await ExecuteAsync(jobId);

        var job = await JobAsync(jobId);
        var log = await LogLinesAsync(jobId, 0);
        Assert.Multiple(() =>
        {
            Assert.That(_backend.Calls, Is.EqualTo(new[] { "setup abc123", "checkout", "run make", "destroy" }));
            Assert.That(job.Status, Is.EqualTo(JobStatus.Failed));
            Assert.That(job.Steps.OrderBy(s => s.Index).Select(s => s.Status), Is.EqualTo(new[] { StepStatus.Failed, StepStatus.Skipped }));
            Assert.That(log, Does.Contain("[comet] the step could not be run: No space left on device"));
        });
    }

    [Test]
    public async Task Reports_are_read_as_streams_from_the_environment_after_the_steps()
    {
        _backend.Files["reports/junit.xml"] = Encoding.UTF8.GetBytes(
            """<testsuite name="unit"><testcase classname="app.Math" name="adds"/><testcase classname="app.Math" name="divides"><failure message="by zero"/></testcase></testsuite>""");
        var spec = Steps("make test") with { Reports = new ReportDefinition(["reports/*.xml"], []) };
        var jobId = await ClaimedJobAsync(spec);

        await ExecuteAsync(jobId);

        Assert.That(_backend.Calls, Is.EqualTo(new[] { "setup abc123", "checkout", "run make test", "find reports/*.xml", "destroy" }));
        var statuses = await _host.WithDbAsync(db => db.TestCases.Where(c => c.JobId == jobId).OrderBy(c => c.Name).Select(c => c.Status).ToListAsync());
        Assert.That(statuses, Is.EqualTo(new[] { Domain.Testing.TestStatus.Passed, Domain.Testing.TestStatus.Failed }));
    }

    private static JobSpec Steps(params string[] scripts) =>
        new(scripts.Select((s, i) => new StepSpec($"step {i}", s, new Dictionary<string, string>(), null, false)).ToList(),
            new Dictionary<string, string>(), null);

    /// <summary>A run with one job, claimed by this node as the dispatcher would, its steps from <paramref name="spec"/>.</summary>
    private async Task<Guid> ClaimedJobAsync(JobSpec spec)
    {
        var now = TestHost.StartTime.UtcDateTime;
        var project = new Project("executor", "executor", "https://example.org/team/executor.git", "main", Forge.Generic,
            Project.DefaultPipelineFile, new string('5', 64), now);
        var run = new PipelineRun(project.Id, 1, "push", "refs/heads/main", "abc123", now);
        run.Describe("main", null, null, null);
        var job = run.AddJob("build", [], allowFailure: false, spec.Serialize());
        spec.AddStepsTo(job);
        job.MoveTo(JobStatus.Queued, now);
        job.Claim(_host.Services.GetRequiredService<INodeIdentity>().Id, now, TimeSpan.FromMinutes(1));
        await _host.WithDbAsync(db =>
        {
            db.Projects.Add(project);
            db.Runs.Add(run);
            return db.SaveChangesAsync();
        });
        return job.Id;
    }

    private async Task ExecuteAsync(Guid jobId)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<JobExecutor>().ExecuteAsync(jobId, CancellationToken.None);
    }

    private Task<Job> JobAsync(Guid jobId) =>
        _host.WithDbAsync(db => db.Jobs.AsNoTracking().Include(j => j.Steps).FirstAsync(j => j.Id == jobId));

    private async Task<IReadOnlyList<string>> LogLinesAsync(Guid jobId, int step)
    {
        var job = await JobAsync(jobId);
        await using var log = _host.Services.GetRequiredService<IStepLogStore>().OpenRead(job.RunId, jobId, step)!;
        using var reader = new StreamReader(log);
        return (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line[(line.IndexOf(' ') + 1)..]).ToList();
    }
}
