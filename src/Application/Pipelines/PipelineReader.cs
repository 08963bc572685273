using Comet.Application.Pipelines.Yaml;
using Comet.Domain.Environments;
using Comet.Domain.Runs;

namespace Comet.Application.Pipelines;

/// <summary>
/// Turns the YAML tree into a <see cref="PipelineDefinition"/>, reporting every problem of shape and type it meets
/// (and carrying on past it). Checks that need the whole file — needs, cycles, stages — are in <see cref="PipelineGraphCheck"/>.
/// </summary>
internal sealed class PipelineReader(DiagnosticList diagnostics, PipelineOptions limits)
{
    private static readonly string[] TopLevelKeys = ["when", "variables", "stages", "jobs"];
    private static readonly string[] JobKeys = ["steps", "needs", "stage", "matrix", "timeout", "retry", "allow_failure", "artifacts", "reports", "variables", "when", "network", "secrets", "concurrency", "environment", "approval"];
    private static readonly string[] NotImplementedJobKeys = ["services"];
    private static readonly string[] StepKeys = ["name", "run", "env", "timeout", "continue_on_error"];
    private static readonly string[] WhenKeys = ["event", "branch", "tag", "path"];
    private static readonly string[] ArtifactKeys = ["paths", "when", "expire_in"];
    private static readonly string[] ArtifactWhenValues = ["on_success", "on_failure", "always"];
    private static readonly string[] ReportKeys = ["junit", "coverage"];
    private static readonly string[] ConcurrencyKeys = ["group", "limit"];
    private static readonly string[] EnvironmentKeys = ["name", "url"];

    // What users of other CI systems write out of habit; edit distance would not find these.
    private static readonly Dictionary<string, string> JobKeyHabits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["script"] = "steps", ["commands"] = "steps", ["depends_on"] = "needs", ["dependencies"] = "needs",
        ["retries"] = "retry", ["timeout_minutes"] = "timeout", ["rules"] = "when", ["only"] = "when",
        ["resource_group"] = "concurrency", ["concurrency_group"] = "concurrency",
    };
    private static readonly Dictionary<string, string> StepKeyHabits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["script"] = "run", ["command"] = "run", ["commands"] = "run", ["cmd"] = "run", ["environment"] = "env",
        ["timeout_minutes"] = "timeout", ["allow_failure"] = "continue_on_error",
    };

    public const int MaxRetry = 10;

    private static readonly IReadOnlyDictionary<string, string> NoVariables = new Dictionary<string, string>();

    public PipelineDefinition? Read(YamlNode? root, out PipelineShape shape)
    {
        shape = new PipelineShape();
        if (root is null)
        {
            diagnostics.Error(Position.FileStart, "the pipeline file is empty; it needs a 'jobs:' mapping with at least one job");
            return null;
        }
        if (root is not YamlMap top)
        {
            diagnostics.Error(root.Start, $"the pipeline file must be a mapping with 'jobs:' at the top level, not {root.Describe()}");
            return null;
        }

        IReadOnlyList<WhenRule> when = [];
        IReadOnlyDictionary<string, string> variables = NoVariables;
        var jobsSeen = false;
        foreach (var (key, keyNode, value) in Entries(top, "at the top level"))
        {
            if (key.StartsWith('.')) continue; // hidden keys hold YAML anchors (templates), as in GitLab CI
            switch (key)
            {
                case "when":
                    when = ReadWhen(value, "at the top level");
                    break;
                case "variables":
                    variables = ReadVariables(value, "'variables' at the top level");
                    break;
                case "stages":
                    ReadStages(value, shape);
                    break;
                case "jobs":
                    jobsSeen = true;
                    ReadJobs(keyNode, value, shape);
                    break;
                default:
                    UnknownKey(keyNode, "at the top level", TopLevelKeys, habits: null);
                    break;
            }
        }
        if (!jobsSeen)
            diagnostics.Error(top.Start, "the pipeline has no 'jobs'; add a 'jobs:' mapping with at least one job");

        return new PipelineDefinition(when, variables, shape.Stages.Select(s => s.Name).ToList(),
            shape.Jobs.Select(j => j.ToDefinition()).ToList());
    }

    private void ReadStages(YamlNode value, PipelineShape shape)
    {
        shape.HasStages = true;
        var firstLines = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in ReadScalarList(value, "'stages'", allowSingle: false))
        {
            if (firstLines.TryGetValue(item.Text, out var firstLine))
            {
                diagnostics.Error(item.Start, $"stage '{item.Text}' is listed twice in 'stages' (first at line {firstLine})");
                continue;
            }
            firstLines[item.Text] = item.Start.Line;
            shape.Stages.Add((item.Text, item.Start));
        }
    }

    private void ReadJobs(YamlScalar keyNode, YamlNode value, PipelineShape shape)
    {
        if (value is YamlScalar { IsNull: true })
        {
            diagnostics.Error(keyNode.Start, "'jobs' is empty; add at least one job");
            return;
        }
        if (value is not YamlMap jobs)
        {
            diagnostics.Error(value.Start, $"'jobs' must be a mapping of job names to jobs, not {value.Describe()}");
            return;
        }

        var entries = Entries(jobs, "in 'jobs'", (name, first) => $"duplicate job '{name}'; it is already defined at line {first.Line}")
            .Where(e => !e.Key.StartsWith('.'))
            .ToList();
        if (entries.Count == 0)
            diagnostics.Error(keyNode.Start, "'jobs' is empty; add at least one job");
        // The tree reader refused a file naming too many jobs; here matrix legs (and jobs merged in with '<<') count too.
        var planned = 0L;
        foreach (var (name, nameNode, job) in entries)
        {
            if (name.Trim().Length == 0 || name.Any(char.IsControl))
            {
                diagnostics.Error(nameNode.Start, "a job name must be visible text on one line");
                continue;
            }
            var read = ReadJob(name, nameNode, job);
            shape.Jobs.Add(read);
            var legs = JobPlanner.CountLegs(read.Matrix.Select(m => m.Value.Count));
            planned += legs;
            if (planned > limits.MaxJobsPerRun)
            {
                diagnostics.Error(nameNode.Start, $"job '{name}' takes the run to {LimitText.Number(planned)} jobs"
                    + (legs > 1 ? $" with the {LimitText.Number(legs)} legs of its matrix" : "") + $"; {LimitText.JobsPerRun(limits)}");
                shape.TooManyJobs = true;
                return;
            }
        }
        CheckConcurrencyLimits(shape);
    }

    /// <summary>One group, one limit: two jobs of a file that disagree would let the one claimed first decide.</summary>
    private void CheckConcurrencyLimits(PipelineShape shape)
    {
        var first = new Dictionary<string, (string Job, int Limit)>(StringComparer.Ordinal);
        foreach (var job in shape.Jobs)
        {
            if (job.Concurrency is not { } concurrency) continue;
            if (!first.TryGetValue(concurrency.Group, out var seen))
                first[concurrency.Group] = (job.Name, concurrency.Limit);
            else if (seen.Limit != concurrency.Limit)
                diagnostics.Error(job.ConcurrencyAt, $"job '{job.Name}' gives concurrency group '{concurrency.Group}' a limit of "
                    + $"{concurrency.Limit}, but job '{seen.Job}' gives it {seen.Limit}; a group has one limit");
        }
    }

    private JobShape ReadJob(string name, YamlScalar nameNode, YamlNode value)
    {
        var job = new JobShape(name, nameNode.Start);
        var where = $"in job '{name}'";
        if (value is YamlScalar { IsNull: true })
        {
            diagnostics.Error(nameNode.Start, $"job '{name}' has no steps");
            return job;
        }
        if (value is not YamlMap map)
        {
            diagnostics.Error(value.Start, $"job '{name}' must be a mapping with 'steps', not {value.Describe()}");
            return job;
        }

        var stepsSeen = false;
        foreach (var (key, keyNode, item) in Entries(map, where))
        {
            switch (key)
            {
                case "steps":
                    stepsSeen = true;
                    job.Steps = ReadSteps(item, name);
                    if (item is YamlScalar { IsNull: true } or YamlList { Items.Count: 0 })
                        diagnostics.Error(keyNode.Start, $"job '{name}' has no steps");
                    break;
                case "needs":
                    job.NeedsKey = keyNode.Start;
                    var listed = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var need in ReadScalarList(item, $"'needs' {where}", allowSingle: true))
                    {
                        if (listed.Add(need.Text))
                            job.Needs.Add((need.Text, need.Start));
                        else
                            diagnostics.Warning(need.Start, $"job '{name}' lists '{need.Text}' in 'needs' twice");
                    }
                    break;
                case "stage":
                    if (ReadString(item, $"'stage' {where}") is { } stage)
                        job.Stage = (stage, item.Start);
                    break;
                case "matrix":
                    job.Matrix = ReadMatrix(keyNode, item, name);
                    break;
                case "timeout":
                    job.Timeout = ReadDuration(item, $"'timeout' {where}");
                    break;
                case "retry":
                    job.Retry = ReadRetry(item, where);
                    break;
                case "allow_failure":
                    job.AllowFailure = ReadBool(item, $"'allow_failure' {where}") ?? false;
                    break;
                case "artifacts":
                    job.Artifacts = ReadArtifacts(item, where);
                    break;
                case "reports":
                    job.Reports = ReadReports(item, where);
                    break;
                case "variables":
                    job.Variables = ReadVariables(item, $"'variables' {where}");
                    break;
                case "when" when item is YamlScalar { Text: "manual" }:
                    job.Manual = true;
                    break;
                case "when":
                    job.When = ReadWhen(item, where);
                    break;
                case "approval":
                    job.ApprovalRequired = ReadApproval(item, where);
                    break;
                case "network":
                    job.Network = ReadNetwork(item, where);
                    break;
                case "secrets":
                    job.Secrets = ReadSecrets(item, where);
                    break;
                case "concurrency":
                    job.Concurrency = ReadConcurrency(item, where);
                    job.ConcurrencyAt = item.Start;
                    break;
                case "environment":
                    job.Environment = ReadEnvironment(item, where);
                    break;
                default:
                    if (NotImplementedJobKeys.Contains(key))
                        diagnostics.Warning(keyNode.Start, $"'{key}' is accepted but not implemented yet; it has no effect");
                    else
                        UnknownKey(keyNode, where, [.. JobKeys, .. NotImplementedJobKeys], JobKeyHabits);
                    break;
            }
        }
        if (!stepsSeen)
            diagnostics.Error(nameNode.Start, $"job '{name}' has no steps");
        return job;
    }

    private List<StepDefinition> ReadSteps(YamlNode value, string job)
    {
        var steps = new List<StepDefinition>();
        if (value is YamlScalar { IsNull: true }) return steps;
        if (value is not YamlList list)
        {
            diagnostics.Error(value.Start, $"'steps' in job '{job}' must be a list of steps (each '- run: ...'), not {value.Describe()}");
            return steps;
        }

        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i];
            var label = $"step {i + 1} of job '{job}'";
            switch (item)
            {
                case YamlScalar { IsNull: true }:
                    diagnostics.Error(item.Start, $"{label} is empty; give it a 'run'");
                    break;
                case YamlScalar scalar:
                    steps.Add(new StepDefinition(DefaultStepName(scalar.Text), scalar.Text, NoVariables, null, false));
                    break;
                case YamlMap map:
                    if (ReadStep(map, label) is { } step) steps.Add(step);
                    break;
                default:
                    diagnostics.Error(item.Start, $"{label} must be a command or a mapping with 'run', not {item.Describe()}");
                    break;
            }
        }
        return steps;
    }

    private StepDefinition? ReadStep(YamlMap map, string label)
    {
        string? name = null, run = null;
        var runSeen = false;
        IReadOnlyDictionary<string, string> env = NoVariables;
        TimeSpan? timeout = null;
        var continueOnError = false;
        var where = $"in {label}";
        foreach (var (key, keyNode, value) in Entries(map, where))
        {
            switch (key)
            {
                case "name":
                    name = ReadString(value, $"'name' {where}");
                    break;
                case "run":
                    runSeen = true;
                    if (value is YamlScalar { IsNull: true } || value is YamlScalar s && s.Text.Trim().Length == 0)
                        diagnostics.Error(keyNode.Start, $"'run' {where} is empty");
                    else if (value is YamlScalar script)
                        run = script.Text;
                    else
                        diagnostics.Error(value.Start, $"'run' {where} must be text (write 'run: |' for several lines), not {value.Describe()}");
                    break;
                case "env":
                    env = ReadVariables(value, $"'env' {where}");
                    break;
                case "timeout":
                    timeout = ReadDuration(value, $"'timeout' {where}");
                    break;
                case "continue_on_error":
                    continueOnError = ReadBool(value, $"'continue_on_error' {where}") ?? false;
                    break;
                default:
                    UnknownKey(keyNode, where, StepKeys, StepKeyHabits);
                    break;
            }
        }
        if (!runSeen)
            diagnostics.Error(map.Start, $"{label} has no 'run'");
        return run is null ? null : new StepDefinition(name ?? DefaultStepName(run), run, env, timeout, continueOnError);
    }

    /// <summary>An unnamed step is shown by its first command line, like GitHub Actions does.</summary>
    internal static string DefaultStepName(string run)
    {
        var line = run.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        return line.Length <= 60 ? line : line[..59] + "…";
    }

    private List<KeyValuePair<string, IReadOnlyList<string>>> ReadMatrix(YamlScalar keyNode, YamlNode value, string job)
    {
        var matrix = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        var where = $"in the matrix of job '{job}'";
        if (value is not YamlMap map || map.Entries.Count == 0)
        {
            diagnostics.Error(value is YamlScalar { IsNull: true } ? keyNode.Start : value.Start,
                $"'matrix' in job '{job}' must map variable names to lists of values (e.g. SUITE: [unit, integration])"
                + (value is YamlMap ? ", but it is empty" : $", not {value.Describe()}"));
            return matrix;
        }

        if (VariableRules.CountProblem(map.Entries.Count, limits) is { } tooMany)
        {
            diagnostics.Error(map.Start, $"'matrix' in job '{job}' {tooMany}");
            return matrix;
        }
        foreach (var (variable, variableNode, values) in Entries(map, where))
        {
            if (VariableRules.NameProblem(variable, limits) is { } badName)
            {
                diagnostics.Error(variableNode.Start, $"'{VariableRules.Shown(variable)}' {where} {badName}");
                continue;
            }
            if (values is not YamlList list)
            {
                diagnostics.Error(values.Start, $"'{variable}' {where} must be a list of values (e.g. [a, b]), not {values.Describe()}");
                continue;
            }
            if (list.Items.Count == 0)
            {
                diagnostics.Error(values.Start, $"'{variable}' {where} has no values, so the job would never run");
                continue;
            }
            var texts = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in list.Items)
            {
                if (item is not YamlScalar { IsNull: false } scalar)
                    diagnostics.Error(item.Start, $"values of '{variable}' {where} must be single values, not {item.Describe()}");
                else if (VariableRules.ValueProblem(scalar.Text, limits) is { } badValue)
                    diagnostics.Error(item.Start, $"a value of '{variable}' {where} {badValue}");
                else if (!seen.Add(scalar.Text))
                    diagnostics.Error(item.Start, $"'{variable}' {where} lists '{scalar.Text}' twice");
                else
                    texts.Add(scalar.Text);
            }
            matrix.Add(new(variable, texts));
        }

        var legs = JobPlanner.CountLegs(matrix.Select(m => m.Value.Count));
        if (legs > JobPlanner.MaxMatrixLegs)
        {
            diagnostics.Error(keyNode.Start,
                $"the matrix of job '{job}' makes {legs} jobs ({string.Join(" × ", matrix.Select(m => m.Value.Count))}); the limit is {JobPlanner.MaxMatrixLegs}");
        }
        return matrix;
    }

    /// <summary>
    /// <c>concurrency: deploy-prod</c> (at most one at a time) or <c>concurrency: {group: deploy-prod, limit: 2}</c>, like
    /// GitLab's resource_group: at most <c>limit</c> jobs of the project's group run at once, across runs.
    /// </summary>
    private ConcurrencyDefinition? ReadConcurrency(YamlNode value, string where)
    {
        var what = $"'concurrency' {where}";
        switch (value)
        {
            case YamlScalar { IsNull: false } scalar:
                return GroupName(scalar, what) is { } name ? new ConcurrencyDefinition(name, 1) : null;
            case YamlMap map:
                string? group = null;
                var limit = 1;
                var groupSeen = false;
                var inConcurrency = $"in {what}";
                foreach (var (key, keyNode, item) in Entries(map, inConcurrency))
                {
                    switch (key)
                    {
                        case "group":
                            groupSeen = true;
                            group = item is YamlScalar { IsNull: false } text ? GroupName(text, $"'group' {inConcurrency}") : ReadString(item, $"'group' {inConcurrency}");
                            break;
                        case "limit":
                            if (item is YamlScalar number && number.AsInteger() is { } n and >= 1 and <= ConcurrencyGroups.MaxLimit)
                                limit = (int)n;
                            else
                                diagnostics.Error(item.Start, $"'limit' {inConcurrency} must be a whole number from 1 to {ConcurrencyGroups.MaxLimit}, not {item.Describe()}");
                            break;
                        default:
                            UnknownKey(keyNode, inConcurrency, ConcurrencyKeys, habits: null);
                            break;
                    }
                }
                if (!groupSeen)
                    diagnostics.Error(map.Start, $"{what} has no 'group'; write e.g. {{group: deploy-prod, limit: 1}}");
                return group is null ? null : new ConcurrencyDefinition(group, limit);
            default:
                diagnostics.Error(value.Start, $"{what} must be a group name (e.g. deploy-prod) or a mapping {{group: deploy-prod, limit: 1}}, not {value.Describe()}");
                return null;
        }
    }

    /// <summary><c>approval: required</c>: the job waits for a maintainer's approval (<c>none</c>, the default, does not).</summary>
    private bool ReadApproval(YamlNode value, string where)
    {
        if (value is YamlScalar { Text: "required" or "none" } scalar) return scalar.Text == "required";
        diagnostics.Error(value.Start, $"'approval' {where} must be 'required' or 'none', not {value.Describe()}");
        return false;
    }

    /// <summary>
    /// <c>environment: production</c> or <c>environment: {name: production, url: https://example.com}</c>, as in GitHub
    /// Actions and GitLab. The name becomes part of API paths and secret scopes, so it is kept to a safe alphabet; the url
    /// is shown to people as a link, so only absolute http(s) addresses are taken (never javascript: or file:).
    /// </summary>
    private EnvironmentDefinition? ReadEnvironment(YamlNode value, string where)
    {
        var what = $"'environment' {where}";
        switch (value)
        {
            case YamlScalar { IsNull: false } scalar:
                return EnvironmentName(scalar, what) is { } name ? new EnvironmentDefinition(name, null) : null;
            case YamlMap map:
                string? environment = null;
                string? url = null;
                var valid = true;
                var inEnvironment = $"in {what}";
                foreach (var (key, keyNode, item) in Entries(map, inEnvironment))
                {
                    switch (key)
                    {
                        case "name":
                            environment = item is YamlScalar { IsNull: false } text ? EnvironmentName(text, $"'name' {inEnvironment}") : ReadString(item, $"'name' {inEnvironment}");
                            valid &= environment is not null;
                            break;
                        case "url":
                            url = item is YamlScalar { IsNull: false } address ? EnvironmentUrl(address, $"'url' {inEnvironment}") : ReadString(item, $"'url' {inEnvironment}");
                            valid &= url is not null;
                            break;
                        default:
                            UnknownKey(keyNode, inEnvironment, EnvironmentKeys, habits: null);
                            break;
                    }
                }
                if (environment is null && valid)
                    diagnostics.Error(map.Start, $"{what} has no 'name'; write e.g. {{name: production, url: https://example.com}}");
                return environment is null || !valid ? null : new EnvironmentDefinition(environment, url);
            default:
                diagnostics.Error(value.Start, $"{what} must be an environment name (e.g. production) or a mapping {{name: production, url: https://...}}, not {value.Describe()}");
                return null;
        }
    }

    private string? EnvironmentName(YamlScalar scalar, string what)
    {
        var name = scalar.Text;
        if (DeploymentEnvironment.IsValidName(name)) return name;
        var shown = name.Length <= 2 * DeploymentEnvironment.MaxNameLength && !name.Any(char.IsControl) ? $"'{name}'" : scalar.Describe();
        diagnostics.Error(scalar.Start, $"{what} must be an environment name of 1 to {DeploymentEnvironment.MaxNameLength} letters, digits and - _ ., not {shown}");
        return null;
    }

    private string? EnvironmentUrl(YamlScalar scalar, string what)
    {
        var text = scalar.Text;
        if (text.Length <= DeploymentEnvironment.MaxUrlLength && !text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
            && Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && uri.Host.Length > 0)
            return text;
        var shown = text.Length <= 200 && !text.Any(char.IsControl) ? $"'{text}'" : scalar.Describe();
        diagnostics.Error(scalar.Start, $"{what} must be an absolute http:// or https:// address of at most {DeploymentEnvironment.MaxUrlLength} characters, not {shown}");
        return null;
    }

    private string? GroupName(YamlScalar scalar, string what)
    {
        var name = scalar.Text;
        if (name.Length == 0 || name.Length > ConcurrencyGroups.MaxNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':'))
        {
            var shown = name.Length <= 2 * ConcurrencyGroups.MaxNameLength && !name.Any(char.IsControl) ? $"'{name}'" : scalar.Describe();
            diagnostics.Error(scalar.Start, $"{what} must be a group name of 1 to {ConcurrencyGroups.MaxNameLength} letters, digits and - _ . / :, not {shown}");
            return null;
        }
        return name;
    }

    private int ReadRetry(YamlNode value, string where)
    {
        if (value is YamlScalar scalar && scalar.AsInteger() is { } retry and >= 0 and <= MaxRetry) return retry;
        diagnostics.Error(value.Start, $"'retry' {where} must be a whole number from 0 to {MaxRetry}, not {value.Describe()}");
        return 0;
    }

    private ArtifactDefinition? ReadArtifacts(YamlNode value, string where)
    {
        if (value is not YamlMap map)
            return new ArtifactDefinition(ReadWorkspacePaths(value, $"'artifacts' {where}"), ArtifactWhen.OnSuccess, null);

        var paths = new List<string>();
        var pathsSeen = false;
        var when = ArtifactWhen.OnSuccess;
        TimeSpan? expireIn = null;
        var inArtifacts = $"in 'artifacts' {where}";
        foreach (var (key, keyNode, item) in Entries(map, inArtifacts))
        {
            switch (key)
            {
                case "paths":
                    pathsSeen = true;
                    paths = ReadWorkspacePaths(item, $"'paths' {inArtifacts}");
                    break;
                case "when":
                    if (ReadString(item, $"'when' {inArtifacts}") is { } text)
                    {
                        var index = Array.IndexOf(ArtifactWhenValues, text);
                        if (index >= 0)
                            when = (ArtifactWhen)index;
                        else
                            diagnostics.Error(item.Start, $"'when' {inArtifacts} must be one of {string.Join(", ", ArtifactWhenValues)}, not '{text}'"
                                + diagnostics.Hint(text, ArtifactWhenValues));
                    }
                    break;
                case "expire_in":
                    expireIn = ReadDuration(item, $"'expire_in' {inArtifacts}");
                    break;
                default:
                    UnknownKey(keyNode, inArtifacts, ArtifactKeys, habits: null);
                    break;
            }
        }
        if (!pathsSeen)
            diagnostics.Error(map.Start, $"'artifacts' {where} has no 'paths'");
        return new ArtifactDefinition(paths, when, expireIn);
    }

    private ReportDefinition ReadReports(YamlNode value, string where)
    {
        var junit = new List<string>();
        var coverage = new List<string>();
        if (value is not YamlMap map)
        {
            diagnostics.Error(value.Start, $"'reports' {where} must be a mapping with 'junit' and/or 'coverage' globs, not {value.Describe()}");
            return new ReportDefinition(junit, coverage);
        }
        var inReports = $"in 'reports' {where}";
        foreach (var (key, keyNode, item) in Entries(map, inReports))
        {
            switch (key)
            {
                case "junit": junit = ReadWorkspacePaths(item, $"'junit' {inReports}"); break;
                case "coverage": coverage = ReadWorkspacePaths(item, $"'coverage' {inReports}"); break;
                default: UnknownKey(keyNode, inReports, ReportKeys, habits: null); break;
            }
        }
        return new ReportDefinition(junit, coverage);
    }

    private List<string> ReadWorkspacePaths(YamlNode value, string what)
    {
        var paths = new List<string>();
        foreach (var item in ReadScalarList(value, what, allowSingle: true))
        {
            var path = item.Text.Replace('\\', '/');
            if (path.StartsWith('/') || path.Split('/').Contains(".."))
                diagnostics.Error(item.Start, $"'{item.Text}' in {what} must stay inside the workspace (a relative path without '..')");
            else
                paths.Add(item.Text);
        }
        return paths;
    }

    private IReadOnlyList<WhenRule> ReadWhen(YamlNode value, string where)
    {
        switch (value)
        {
            case YamlScalar { IsNull: true }:
                return [];
            case YamlMap map:
                return [ReadWhenEntry(map, where)];
            case YamlList list:
                var rules = new List<WhenRule>();
                foreach (var item in list.Items)
                {
                    if (item is YamlMap entry)
                        rules.Add(ReadWhenEntry(entry, where));
                    else
                        diagnostics.Error(item.Start, $"each entry of 'when' {where} must be a mapping such as {{ branch: main }}, not {item.Describe()}");
                }
                return rules;
            default:
                var manual = where.StartsWith("in job", StringComparison.Ordinal) ? ", or 'manual'" : "";
                diagnostics.Error(value.Start,
                    $"'when' {where} must be a mapping of filters (event, branch, tag, path) or a list of them{manual}, not {value.Describe()}");
                return [];
        }
    }

    private WhenRule ReadWhenEntry(YamlMap map, string where)
    {
        List<string> events = [], branches = [], tags = [], paths = [];
        var inWhen = $"in 'when' {where}";
        foreach (var (key, keyNode, value) in Entries(map, inWhen))
        {
            var target = key switch { "event" => events, "branch" => branches, "tag" => tags, "path" => paths, _ => null };
            if (target is null)
            {
                UnknownKey(keyNode, inWhen, WhenKeys, habits: null);
                continue;
            }
            foreach (var item in ReadScalarList(value, $"'{key}' {inWhen}", allowSingle: true))
            {
                if (key == "event" && !TriggerFilter.KnownEvents.Contains(item.Text))
                {
                    diagnostics.Error(item.Start, $"unknown event '{item.Text}' {inWhen}" + diagnostics.Hint(item.Text, TriggerFilter.KnownEvents)
                        + $" (events are {string.Join(", ", TriggerFilter.KnownEvents)})");
                    continue;
                }
                target.Add(item.Text);
            }
        }
        return new WhenRule(events, branches, tags, paths);
    }

    /// <summary>Variables a job never takes from a secret: Comet's own, and what every step relies on.</summary>
    private static readonly string[] ReservedVariables = ["CI", "COMET", "HOME", "PATH", "LANG"];

    /// <summary>
    /// <c>secrets: [DEPLOY_TOKEN]</c> (each secret in the variable of its name) or <c>secrets: {TARGET: SOURCE}</c>
    /// (secret SOURCE in variable TARGET). Only the names are read here; whether the secrets exist and may be used is
    /// decided when the job starts.
    /// </summary>
    private List<SecretReference> ReadSecrets(YamlNode value, string where)
    {
        var references = new List<SecretReference>();
        var what = $"'secrets' {where}";
        IEnumerable<(string Variable, YamlNode VariableNode, string Source, YamlNode SourceNode)> entries;
        switch (value)
        {
            case YamlScalar { IsNull: true }:
                return references;
            case YamlList:
                entries = ReadScalarList(value, what, allowSingle: false).Select(s => (s.Text, (YamlNode)s, s.Text, (YamlNode)s));
                break;
            case YamlMap map:
                entries = Entries(map, $"in {what}").Select(e => e.Value is YamlScalar { IsNull: false } source
                    ? (e.Key, (YamlNode)e.KeyNode, source.Text, (YamlNode)source)
                    : (e.Key, (YamlNode)e.KeyNode, "", e.Value));
                break;
            default:
                diagnostics.Error(value.Start, $"{what} must be a list of secret names ([DEPLOY_TOKEN]) or a mapping of variables to secret names "
                    + $"({{TOKEN: DEPLOY_TOKEN}}), not {value.Describe()}");
                return references;
        }
        var variables = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (variable, variableNode, source, sourceNode) in entries)
        {
            if (!Domain.Secrets.Secret.IsValidName(source))
            {
                diagnostics.Error(sourceNode.Start, source.Length == 0
                    ? $"'{VariableRules.Shown(variable)}' in {what} must name a secret, not {sourceNode.Describe()}"
                    : $"'{VariableRules.Shown(source)}' in {what} is not a secret name; secret names are A-Z, 0-9 and _, not starting with a digit, up to {Domain.Secrets.Secret.MaxNameLength} characters");
                continue;
            }
            if (VariableRules.NameProblem(variable, limits) is { } badName)
            {
                diagnostics.Error(variableNode.Start, $"'{VariableRules.Shown(variable)}' in {what} {badName}");
                continue;
            }
            if (ReservedVariables.Contains(variable) || variable.StartsWith("COMET_", StringComparison.Ordinal))
            {
                diagnostics.Error(variableNode.Start, $"'{variable}' in {what} is set by Comet for every step; give the secret another variable ({{MY_{variable}: {source}}})");
                continue;
            }
            if (!variables.Add(variable))
            {
                diagnostics.Error(variableNode.Start, $"{what} sets the variable '{variable}' twice");
                continue;
            }
            references.Add(new SecretReference(variable, source));
        }
        return references;
    }

    private string? ReadString(YamlNode value, string what)
    {
        if (value is YamlScalar { IsNull: false } scalar) return scalar.Text;
        diagnostics.Error(value.Start, $"{what} must be text, not {value.Describe()}");
        return null;
    }

    /// <summary><c>network: none</c> runs the job's steps without a network (loopback only); <c>default</c> keeps it.</summary>
    private bool ReadNetwork(YamlNode value, string where)
    {
        switch (ReadString(value, $"'network' {where}"))
        {
            case "none":
                return false;
            case "default" or null:
                return true;
            case var other:
                diagnostics.Error(value.Start, $"'network' {where} must be 'none' or 'default', not '{other}'");
                return true;
        }
    }

    private bool? ReadBool(YamlNode value, string what)
    {
        if (value is YamlScalar scalar && scalar.AsBoolean() is { } flag) return flag;
        diagnostics.Error(value.Start, $"{what} must be true or false, not {value.Describe()}");
        return null;
    }

    private TimeSpan? ReadDuration(YamlNode value, string what)
    {
        if (value is not YamlScalar { IsNull: false } scalar || !DurationParser.TryParse(scalar.Text, out var duration))
        {
            diagnostics.Error(value.Start, $"bad duration {value.Describe()} for {what}; write e.g. {DurationParser.Examples}");
            return null;
        }
        if (duration <= TimeSpan.Zero)
        {
            diagnostics.Error(value.Start, $"{what} must be longer than zero");
            return null;
        }
        return duration;
    }

    /// <summary>A list of single values; with <paramref name="allowSingle"/> one value may stand alone. Null means none.</summary>
    private List<YamlScalar> ReadScalarList(YamlNode value, string what, bool allowSingle)
    {
        switch (value)
        {
            case YamlScalar { IsNull: true }:
                return [];
            case YamlScalar scalar when allowSingle:
                return [scalar];
            case YamlList list:
                var items = new List<YamlScalar>();
                foreach (var item in list.Items)
                {
                    if (item is YamlScalar { IsNull: false } scalar && scalar.Text.Length > 0)
                        items.Add(scalar);
                    else
                        diagnostics.Error(item.Start, $"entries of {what} must be non-empty single values, not {item.Describe()}");
                }
                return items;
            default:
                diagnostics.Error(value.Start, $"{what} must be a list{(allowSingle ? " or a single value" : "")}, not {value.Describe()}");
                return [];
        }
    }

    /// <summary>A set of variables (the pipeline's, a job's, a step's env), within the server's limits for them.</summary>
    private IReadOnlyDictionary<string, string> ReadVariables(YamlNode value, string what)
    {
        if (value is YamlScalar { IsNull: true }) return NoVariables;
        if (value is not YamlMap map)
        {
            diagnostics.Error(value.Start, $"{what} must be a mapping of names to values, not {value.Describe()}");
            return NoVariables;
        }
        if (VariableRules.CountProblem(map.Entries.Count, limits) is { } tooMany)
        {
            diagnostics.Error(map.Start, $"{what} {tooMany}");
            return NoVariables;
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, nameNode, item) in Entries(map, $"in {what}"))
        {
            if (VariableRules.NameProblem(name, limits) is { } badName)
            {
                diagnostics.Error(nameNode.Start, $"'{VariableRules.Shown(name)}' in {what} {badName}");
                continue;
            }
            if (item is not YamlScalar scalar)
            {
                diagnostics.Error(item.Start, $"'{name}' in {what} must be a single value (text, number or true/false), not {item.Describe()}");
                continue;
            }
            var text = scalar.IsNull ? "" : scalar.Text;
            if (VariableRules.ValueProblem(text, limits) is { } badValue)
            {
                diagnostics.Error(item.Start, $"the value of '{name}' in {what} {badValue}");
                continue;
            }
            result[name] = text;
        }
        return result;
    }

    /// <summary>
    /// The keys of a mapping with their nodes. Reports (and skips) keys that are not plain text and repeated keys;
    /// YAML forbids duplicates, and silently keeping one would hide a mistake.
    /// </summary>
    private IEnumerable<(string Key, YamlScalar KeyNode, YamlNode Value)> Entries(
        YamlMap map, string where, Func<string, Position, string>? duplicateMessage = null)
    {
        var seen = new Dictionary<string, Position>(StringComparer.Ordinal);
        foreach (var entry in map.Entries)
        {
            if (YamlTreeReader.IsMergeKey(entry.Key)) continue;
            if (entry.Key is not YamlScalar key || key.IsNull)
            {
                diagnostics.Error(entry.Key.Start, $"keys {where} must be names, not {entry.Key.Describe()}");
                continue;
            }
            if (seen.TryGetValue(key.Text, out var first))
            {
                diagnostics.Error(key.Start, duplicateMessage?.Invoke(key.Text, first)
                    ?? $"duplicate key '{key.Text}' {where}; the first is at line {first.Line}");
                continue;
            }
            seen[key.Text] = key.Start;
            yield return (key.Text, key, entry.Value);
        }
    }

    private void UnknownKey(YamlScalar key, string where, IReadOnlyCollection<string> known, IReadOnlyDictionary<string, string>? habits)
    {
        var hint = habits is not null && habits.TryGetValue(key.Text, out var habit)
            ? $"; did you mean '{habit}'?"
            : diagnostics.Hint(key.Text, known);
        diagnostics.Error(key.Start, $"unknown key '{key.Text}' {where}{hint}");
    }
}

/// <summary>What the reader saw, with positions, for the checks that look across jobs.</summary>
internal sealed class PipelineShape
{
    public bool HasStages { get; set; }
    public List<(string Name, Position At)> Stages { get; } = [];
    public List<JobShape> Jobs { get; } = [];

    /// <summary>The file asks for more jobs than a run may have; reading stopped there, so <see cref="Jobs"/> is partial.</summary>
    public bool TooManyJobs { get; set; }
}

internal sealed class JobShape(string name, Position namePosition)
{
    private static readonly IReadOnlyDictionary<string, string> NoVariables = new Dictionary<string, string>();

    public string Name { get; } = name;
    public Position NamePosition { get; } = namePosition;
    public List<StepDefinition> Steps { get; set; } = [];
    public List<(string Name, Position At)> Needs { get; } = [];
    public Position? NeedsKey { get; set; }
    public (string Name, Position At)? Stage { get; set; }
    public List<KeyValuePair<string, IReadOnlyList<string>>> Matrix { get; set; } = [];
    public TimeSpan? Timeout { get; set; }
    public int Retry { get; set; }
    public bool AllowFailure { get; set; }
    public ArtifactDefinition? Artifacts { get; set; }
    public ReportDefinition? Reports { get; set; }
    public IReadOnlyDictionary<string, string> Variables { get; set; } = NoVariables;
    public IReadOnlyList<WhenRule> When { get; set; } = [];
    public bool Network { get; set; } = true;
    public List<SecretReference> Secrets { get; set; } = [];
    public ConcurrencyDefinition? Concurrency { get; set; }
    public Position ConcurrencyAt { get; set; }
    public EnvironmentDefinition? Environment { get; set; }
    public bool Manual { get; set; }
    public bool ApprovalRequired { get; set; }

    public JobDefinition ToDefinition() => new(Name, Steps, Needs.Select(n => n.Name).ToList(), Stage?.Name, Matrix,
        Timeout, Retry, AllowFailure, Artifacts, Variables, When, Reports, Network, Secrets)
    {
        Concurrency = Concurrency, Environment = Environment, Manual = Manual, ApprovalRequired = ApprovalRequired,
    };
}
