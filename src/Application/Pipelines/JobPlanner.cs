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
            job => Legs(job.Matrix).Select(values => new Leg(LegName(job.Name, values), values)).ToList(),
            StringComparer.Ordinal);
        var allLegNames = legsByJob.Values.SelectMany(legs => legs).Select(leg => leg.Name).ToHashSet(StringComparer.Ordinal);

        var previousStageLegs = PreviousStageLegs(pipeline, legsByJob);

        var planned = new List<PlannedJob>();
        foreach (var job in pipeline.Jobs)
        {
            var needs = new List<string>();
            if (job.Stage is not null && previousStageLegs.TryGetValue(job.Stage, out var stageNeeds))
                needs.AddRange(stageNeeds);
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

    private readonly record struct Leg(string Name, IReadOnlyDictionary<string, string> Values);

    /// <summary>With stages, a job waits for every leg of every job of the nearest earlier stage that has jobs.</summary>
    private static Dictionary<string, List<string>> PreviousStageLegs(PipelineDefinition pipeline, Dictionary<string, List<Leg>> legsByJob)
    {
        var jobsByStage = pipeline.Jobs.Where(j => j.Stage is not null).ToLookup(j => j.Stage!, StringComparer.Ordinal);
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string> previous = [];
        foreach (var stage in pipeline.Stages)
        {
            result[stage] = previous;
            var legs = jobsByStage[stage].SelectMany(j => legsByJob[j.Name]).Select(leg => leg.Name).ToList();
            if (legs.Count > 0) previous = legs;
        }
        return result;
    }
}
