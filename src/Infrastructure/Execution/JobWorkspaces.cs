using Comet.Application.Common.Interfaces;
using Comet.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace Comet.Infrastructure.Execution;

/// <summary>{DataDir}/work/{job}/workspace and …/home: each job its own, so parallel jobs never share files.</summary>
public sealed class JobWorkspaces(IOptions<CometOptions> comet) : IWorkspaces
{
    private string RootOf(Guid jobId) => Path.Combine(comet.Value.DataDirFullPath, "work", jobId.ToString("N"));

    public JobFolders Create(Guid jobId)
    {
        var root = RootOf(jobId);
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true); // left over from a lost attempt
        var home = Path.Combine(root, "home");
        Directory.CreateDirectory(home);
        return new JobFolders(Path.Combine(root, "workspace"), home);
    }

    public void Delete(Guid jobId)
    {
        var root = RootOf(jobId);
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}

/// <summary>A node id created once per data folder, so a restarted orchestrator knows which running jobs were its own.</summary>
public sealed class DataFolderNodeIdentity(IOptions<CometOptions> comet) : INodeIdentity
{
    private readonly Lazy<string> _id = new(() =>
    {
        var path = Path.Combine(comet.Value.DataDirFullPath, "node-id");
        if (File.Exists(path)) return File.ReadAllText(path).Trim();
        Directory.CreateDirectory(comet.Value.DataDirFullPath);
        var host = Environment.MachineName;
        var id = $"{(host.Length > 31 ? host[..31] : host)}-{Guid.NewGuid():N}"; // fits the 64-character lease column
        File.WriteAllText(path, id);
        return id;
    });

    public string Id => _id.Value;
}
