namespace Comet.Application.Runs.Execution;

/// <summary>The job backends a node can use (Runner:Backend), named in one place.</summary>
public static class JobBackendNames
{
    /// <summary>Bubblewrap: steps reach nothing of the server's. The default.</summary>
    public const string Sandbox = "sandbox";

    /// <summary>Plain processes as the server's own user: for trusted single-user set-ups only.</summary>
    public const string Local = "local";

    public static readonly IReadOnlyList<string> All = [Sandbox, Local];
}
