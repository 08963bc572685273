using Comet.Application.Common.Interfaces;
using Comet.Domain.Projects;
using Comet.Domain.Runs;

namespace Comet.Application.Runs.Execution;

/// <summary>The variables every step of a job sees: the pipeline's, then Comet's own COMET_* and CI=true.</summary>
public static class JobEnvironment
{
    public static Dictionary<string, string> For(Job job, PipelineRun run, Project project, JobSpec spec, IJobEnvironment place)
    {
        var environment = new Dictionary<string, string>(spec.Environment)
        {
            ["CI"] = "true",
            ["COMET"] = "true",
            ["HOME"] = place.Home,
            ["COMET_RUN_ID"] = run.Id.ToString(),
            ["COMET_RUN_NUMBER"] = run.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["COMET_JOB"] = job.Name,
            // Attempt 1, 2, …: a step can tell a retry (GitHub's GITHUB_RUN_ATTEMPT).
            ["COMET_JOB_ATTEMPT"] = job.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["COMET_COMMIT_SHA"] = run.Sha ?? "",
            ["COMET_BRANCH"] = run.Branch ?? "",
            ["COMET_TAG"] = run.Tag ?? "",
            ["COMET_EVENT"] = run.Event,
            ["COMET_REF"] = run.Ref,
            ["COMET_PROJECT"] = project.Slug,
            ["COMET_WORKSPACE"] = place.Workspace,
        };
        return environment;
    }
}
