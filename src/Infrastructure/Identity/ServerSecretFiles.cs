using Comet.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;
using Comet.Hosting;

namespace Comet.Infrastructure.Identity;

/// <summary>
/// The server's secrets in the data folder: {data}/keys (token signing keys, the artifact URL key) and
/// {data}/initial-admin-password. They are created 0600 in a 0700 folder (<see cref="PrivateFile"/>); this start-up
/// check tightens ones an older version or an operator left wider. The SQLite database gets the same in
/// <see cref="Persistence.DatabaseInitializer"/>, which knows where it is.
/// </summary>
public static class ServerSecretFiles
{
    public static void ProtectServerSecretFiles(this IServiceProvider services)
    {
        var dataDir = services.GetRequiredService<IOptions<CometOptions>>().Value.DataDirFullPath;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Comet.DataFolder");

        var keys = Path.Combine(dataDir, "keys");
        PrivateFile.Restrict(keys, logger);
        if (Directory.Exists(keys))
            foreach (var file in Directory.EnumerateFiles(keys))
                PrivateFile.Restrict(file, logger);
        PrivateFile.Restrict(Path.Combine(dataDir, "initial-admin-password"), logger);

        // The folder itself is the operator's choice when it existed before the server (dev.sh and the server make
        // it 0700): say so rather than change it, since logs, artifacts and mirrors in it are readable too.
        if (Directory.Exists(dataDir) && PrivateFile.IsOpenToOthers(dataDir))
            logger.LogWarning("The data folder {Path} is open to other users; its secrets are not, but logs, artifacts and git mirrors are. "
                + "Consider `chmod 700 {Path}`", dataDir, dataDir);
    }
}
