namespace Comet.Application.Common.Interfaces;

/// <summary>This orchestrator process's name on the job leases; kept in the data folder across restarts.</summary>
public interface INodeIdentity
{
    string Id { get; }
}
