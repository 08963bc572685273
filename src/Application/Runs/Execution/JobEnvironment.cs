using Comet.Application.Common.Interfaces;
using Comet.Domain.Projects;
using Comet.Domain.Runs;

namespace Comet.Application.Runs.Execution;

/// <summary>The variables every step of a job sees: the pipeline's, then Comet's own COMET_* and CI=true.</summary>
public static class JobEnvironment
{
    public static Dictionary<string, string> For(PipelineRun run, Project project, JobSpec spec, JobFolders folders)
    {
        var environment = new Dictionary<string, string>(spec.Environment)
        {
            ["CI"] = "true",
            ["COMET"] = "true",
            ["HOME"] = folders.Home,
            ["COMET_RUN_ID"] = run.Id.ToString(),
            ["COMET_RUN_NUMBER"] = run.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["COMET_COMMIT_SHA"] = run.Sha ?? "",
            ["COMET_BRANCH"] = run.Branch ?? "",
            ["COMET_TAG"] = run.Tag ?? "",
            ["COMET_EVENT"] = run.Event,
            ["COMET_REF"] = run.Ref,
            ["COMET_PROJECT"] = project.Slug,
            ["COMET_WORKSPACE"] = folders.Workspace,
        };
        return environment;
    }
}
