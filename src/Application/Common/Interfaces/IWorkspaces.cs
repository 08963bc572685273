namespace Comet.Application.Common.Interfaces;

/// <summary>Where a job's files live: its checkout and a HOME of its own, both thrown away after the job.</summary>
public interface IWorkspaces
{
    /// <summary>A new, empty folder for the job (its checkout goes in <see cref="JobFolders.Workspace"/>).</summary>
    JobFolders Create(Guid jobId);

    void Delete(Guid jobId);
}

/// <param name="Workspace">The checkout; must not exist yet when git clones into it.</param>
/// <param name="Home">HOME for the steps, so tools' caches and configs stay with the job.</param>
public sealed record JobFolders(string Workspace, string Home);

/// <summary>This orchestrator process's name on the job leases; kept in the data folder across restarts.</summary>
public interface INodeIdentity
{
    string Id { get; }
}
