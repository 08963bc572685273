using System.Security.Cryptography;
using Comet.Gateway.Routing;
using Comet.Hosting.Configuration;
using Microsoft.Extensions.Options;

namespace Comet.Gateway.Configuration;

/// <summary>
/// The route table in force. Loaded at start-up (an invalid file stops the gateway); afterwards every change to the
/// file is loaded again, and a bad change is logged while the last good table keeps serving.
/// </summary>
public sealed class RouteTableProvider : IDisposable
{
    /// <summary>Editors write a file in several steps; wait for them to finish before reading it.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(200);

    private readonly RouteFileContext _context;
    private readonly ILogger<RouteTableProvider> _logger;
    private readonly FileSystemWatcher _watcher;
    private readonly Timer _reloadTimer;
    private readonly Lock _reloadLock = new();
    private RouteTable _table;
    private byte[] _loadedHash;

    public RouteTableProvider(IOptions<GatewayOptions> gateway, IOptions<CometOptions> comet, IHostEnvironment environment,
        ILogger<RouteTableProvider> logger)
    {
        _logger = logger;
        FilePath = Path.GetFullPath(gateway.Value.RouteFile, environment.ContentRootPath);
        _context = new RouteFileContext(
            new Dictionary<string, Uri> { ["orchestrator"] = OrchestratorUrl(gateway.Value, comet.Value) },
            gateway.Value.Jwt.IsConfigured ? new HashSet<string> { GatewayOptions.JwtOptions.Scheme } : new HashSet<string>(),
            gateway.Value.ResponseHeadersTimeout);

        _loadedHash = Hash();
        _table = RouteTableBuilder.Load(FilePath, _context);
        logger.LogInformation("Routes loaded from {RouteFile}: {Count}", FilePath, _table.Routes.Count);

        _reloadTimer = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
        // Watch the folder, not the file: editors and deploy tools replace files by renaming a new one over them.
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(FilePath)!, Path.GetFileName(FilePath))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => ScheduleReload();
        _watcher.Created += (_, _) => ScheduleReload();
        _watcher.Renamed += (_, _) => ScheduleReload();
        _watcher.EnableRaisingEvents = true;
    }

    public string FilePath { get; }

    public RouteTable Current => Volatile.Read(ref _table);

    public static Uri OrchestratorUrl(GatewayOptions gateway, CometOptions comet) =>
        new(string.IsNullOrEmpty(gateway.OrchestratorUrl) ? $"http://127.0.0.1:{comet.OrchestratorPort}" : gateway.OrchestratorUrl);

    private void ScheduleReload() => _reloadTimer.Change(SettleTime, Timeout.InfiniteTimeSpan);

    private void Reload()
    {
        lock (_reloadLock)
        {
            byte[] hash;
            try
            {
                hash = Hash();
            }
            catch (IOException)
            {
                return; // gone for a moment (replaced by rename); the next event reloads it
            }
            if (hash.AsSpan().SequenceEqual(_loadedHash)) return;
            try
            {
                var table = RouteTableBuilder.Load(FilePath, _context);
                Volatile.Write(ref _table, table);
                _loadedHash = hash;
                _logger.LogInformation("Routes reloaded from {RouteFile}: {Count}", FilePath, table.Routes.Count);
            }
            catch (RouteFileException ex)
            {
                _loadedHash = hash;
                _logger.LogError("The changed {RouteFile} was rejected; the previous routes stay in force. {Errors}",
                    FilePath, string.Join(" ", ex.Errors));
            }
            catch (Exception ex)
            {
                // A builder bug must not escape this timer callback: that would end the process.
                _loadedHash = hash;
                _logger.LogError(ex, "The changed {RouteFile} could not be loaded; the previous routes stay in force.", FilePath);
            }
        }
    }

    private byte[] Hash()
    {
        try
        {
            return SHA256.HashData(File.ReadAllBytes(FilePath));
        }
        catch (FileNotFoundException)
        {
            return [];
        }
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _reloadTimer.Dispose();
    }
}
