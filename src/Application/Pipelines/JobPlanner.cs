namespace Comet.Application.Pipelines;

/// <summary>
/// One job to run: a job of the file, or one leg of its matrix (<c>test [OS=linux, SUITE=unit]</c>).
/// <see cref="Needs"/> holds concrete planned names, with stages already turned into needs.
/// </summary>
public sealed record PlannedJob(
    string Name,
    string BaseName,
    JobDefinition Definition,
    IReadOnlyDictionary<string, string> MatrixValues,
    IReadOnlyList<string> Needs);

public static class JobPlanner
{
    public const int MaxMatrixLegs = 256;

    private static readonly IReadOnlyDictionary<string, string> NoValues = new Dictionary<string, string>();

    /// <summary>
    /// Expands matrices and resolves needs. Order: jobs as in the file, legs in product order (first matrix key
    /// varies slowest). Expects a pipeline from <see cref="PipelineParser"/>; a need naming no job throws.
    /// </summary>
    public static IReadOnlyList<PlannedJob> Plan(PipelineDefinition pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);

        var legsByJob = pipeline.Jobs.ToDictionary(
            job => job.Name,
            job => Legs(job.Matrix).Select(values => (Name: LegName(job.Name, values), Values: values)).ToList(),
            StringComparer.Ordinal);
        var allLegNames = legsByJob.Values.SelectMany(legs => legs).Select(leg => leg.Name).ToHashSet(StringComparer.Ordinal);

        var planned = new List<PlannedJob>();
        foreach (var job in pipeline.Jobs)
        {
            var needs = new List<string>();
            foreach (var previous in PreviousStageJobs(pipeline, job))
                needs.AddRange(legsByJob[previous.Name].Select(leg => leg.Name));
            foreach (var need in job.Needs)
            {
                if (legsByJob.TryGetValue(need, out var legs)) needs.AddRange(legs.Select(leg => leg.Name));
                else if (allLegNames.Contains(need)) needs.Add(need);
                else throw new InvalidOperationException($"Job '{job.Name}' needs '{need}', which is not a job of this pipeline.");
            }
            var distinctNeeds = needs.Distinct(StringComparer.Ordinal).ToList();

            foreach (var leg in legsByJob[job.Name])
                planned.Add(new PlannedJob(leg.Name, job.Name, job, leg.Values, distinctNeeds));
        }
        return planned;
    }

    /// <summary>How many legs a matrix makes, without making them (saturates instead of overflowing).</summary>
    public static long CountLegs(IEnumerable<int> valueCounts) =>
        valueCounts.Aggregate(1L, (product, count) => Math.Min(product * count, int.MaxValue));

    /// <summary>"test" without a matrix, "test [OS=linux, SUITE=unit]" with one, keys in file order.</summary>
    public static string LegName(string jobName, IReadOnlyDictionary<string, string> values) =>
        values.Count == 0 ? jobName : $"{jobName} [{string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"))}]";

    /// <summary>The cartesian product in file order; one empty leg when there is no matrix.</summary>
    internal static IEnumerable<IReadOnlyDictionary<string, string>> Legs(IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> matrix)
    {
        if (matrix.Count == 0)
        {
            yield return NoValues;
            yield break;
        }
        IEnumerable<IEnumerable<KeyValuePair<string, string>>> product = [[]];
        foreach (var (key, values) in matrix)
            product = product.SelectMany(prefix => values.Select(value => prefix.Append(new KeyValuePair<string, string>(key, value))));
        foreach (var leg in product)
            yield return new Dictionary<string, string>(leg, StringComparer.Ordinal);
    }

    /// <summary>With stages, a job waits for every job of the nearest earlier stage that has jobs.</summary>
    private static IEnumerable<JobDefinition> PreviousStageJobs(PipelineDefinition pipeline, JobDefinition job)
    {
        if (job.Stage is null) return [];
        var index = IndexOf(pipeline.Stages, job.Stage);
        for (var i = index - 1; i >= 0; i--)
        {
            var earlier = pipeline.Jobs.Where(j => j.Stage == pipeline.Stages[i]).ToList();
            if (earlier.Count > 0) return earlier;
        }
        return [];
    }

    private static int IndexOf(IReadOnlyList<string> stages, string stage)
    {
        for (var i = 0; i < stages.Count; i++)
            if (stages[i] == stage) return i;
        return -1;
    }
}
