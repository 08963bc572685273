using Comet.Application.Common.Interfaces;
using Comet.Application.Identity;
using Comet.Application.Pipelines;
using Comet.Domain.Projects;
using Comet.Domain.Runs;
using Comet.Domain.Secrets;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Secrets;

/// <summary>A secret as one job gets it: the variable it goes in, and whether it is written to a file.</summary>
public sealed record JobSecret(string Variable, string Name, string Value, bool File);

/// <summary>The secrets a job gets, or why it gets none (then it fails before any step starts).</summary>
public sealed record JobSecretsOutcome(IReadOnlyList<JobSecret> Secrets, string? Failure)
{
    public static readonly JobSecretsOutcome None = new([], null);
}

/// <summary>
/// Looks up the secrets a job names, when it starts. A job gets exactly what it names from its own project (with that
/// project's environment, when it deploys to one) or the instance — the narrowest scope wins — and nothing of another
/// project's, whatever it names. A secret that is missing, belongs to an environment the job does not deploy to, or is
/// refused to a pull request from a fork fails the job with every such name and the reason; a job never runs with a
/// secret silently empty. Each use is audited (run, job, name), never the value.
/// </summary>
public sealed class JobSecrets(ICometDbContext db, ISecretProtector protector, AuditTrail audit)
{
    /// <param name="environment">The environment the job deploys to, or null.</param>
    public async Task<JobSecretsOutcome> ResolveAsync(Job job, PipelineRun run, Project project, IReadOnlyList<SecretReference>? wanted,
        string? environment, CancellationToken cancellationToken)
    {
        if (wanted is not { Count: > 0 }) return JobSecretsOutcome.None;
        var names = wanted.Select(w => w.Source).Distinct().ToList();
        var candidates = await db.Secrets.AsNoTracking()
            .Where(s => names.Contains(s.Name) && (s.ProjectId == null || s.ProjectId == project.Id))
            .ToListAsync(cancellationToken);

        var problems = new List<string>();
        var chosen = new Dictionary<string, Secret>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var found = candidates.Where(s => s.Name == name).ToList();
            var secret = found.FirstOrDefault(s => s.Scope == SecretScope.Environment && s.Environment == environment)
                         ?? found.FirstOrDefault(s => s.Scope == SecretScope.Project)
                         ?? found.FirstOrDefault(s => s.Scope == SecretScope.Instance);
            if (secret is null)
            {
                var elsewhere = found.Where(s => s.Scope == SecretScope.Environment).Select(s => s.Environment!).Order(StringComparer.Ordinal).ToList();
                problems.Add(elsewhere.Count > 0
                    ? $"'{name}' belongs to environment {string.Join(", ", elsewhere.Select(e => $"'{e}'"))}, and this job "
                      + (environment is null ? "deploys to no environment" : $"deploys to '{environment}'")
                    : $"'{name}' does not exist in this project{(environment is null ? "" : $", its environment '{environment}'")} or the instance");
                continue;
            }
            if (run.FromFork && !secret.AllowForks)
            {
                problems.Add($"'{name}' is not given to pull requests from forks (the secret does not allow forks)");
                continue;
            }
            chosen[name] = secret;
        }
        if (problems.Count > 0)
            return new JobSecretsOutcome([], $"the job cannot have the secrets it names: {string.Join("; ", problems)}");

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, secret) in chosen)
        {
            try
            {
                values[name] = protector.Unprotect(secret.ProtectedValue);
            }
            catch (SecretKeyException ex)
            {
                problems.Add($"'{name}' cannot be decrypted: {ex.Message}");
            }
        }
        if (problems.Count > 0)
            return new JobSecretsOutcome([], $"the job cannot have the secrets it names: {string.Join("; ", problems)}");

        foreach (var reference in wanted)
        {
            var scope = SecretRules.ScopeName(chosen[reference.Source].Scope);
            audit.Record(SecretAuditActions.Used, $"project:{project.Slug}",
                $"{reference.Source} ({scope}) as {reference.Variable} by run #{run.Number} ({run.Id}), job {job.Name} ({job.Id})");
        }
        await db.SaveChangesAsync(cancellationToken);
        return new JobSecretsOutcome(
            wanted.Select(w => new JobSecret(w.Variable, w.Source, values[w.Source], chosen[w.Source].File)).ToList(), null);
    }
}
