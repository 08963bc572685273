using System.Collections.Concurrent;
using Comet.Application;
using Comet.Infrastructure;
using Comet.Infrastructure.Persistence;
using MediatR;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Comet.TestSupport;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public static class DatabaseProviders
{
    /// <summary>The names used in [TestFixture("sqlite")] / [TestFixture("postgres")].</summary>
    public static DatabaseProvider Parse(string name) => name.ToLowerInvariant() switch
    {
        "sqlite" => DatabaseProvider.Sqlite,
        "postgres" => DatabaseProvider.Postgres,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Expected 'sqlite' or 'postgres'."),
    };
}

/// <summary>A clock the tests move by hand, so timestamps are known exactly.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

public sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

/// <summary>Keeps every log line written through the host's logging, in order.</summary>
public sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    public void Dispose() { }

    private sealed class SinkLogger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink._entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception));
    }
}

/// <summary>
/// The application composed the way the hosts compose it (AddApplication + AddInfrastructure) on a
/// database of its own: a SQLite file in a fresh data folder, or a fresh PostgreSQL database.
/// <see cref="RestartAsync"/> throws the services away and builds new ones on the same database, like a process restart.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset StartTime = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly Action<IServiceCollection>? _configure;

    private TestHost(DatabaseProvider provider, TempDirectory dataDir, string? connectionString, Action<IServiceCollection>? configure)
    {
        Provider = provider;
        DataDir = dataDir;
        ConnectionString = connectionString;
        _configure = configure;
        Services = BuildServices(Settings, Clock, Logs, configure);
    }

    public DatabaseProvider Provider { get; }
    public TempDirectory DataDir { get; }

    /// <summary>The PostgreSQL database's connection string; null for SQLite (the file in the data folder is used).</summary>
    public string? ConnectionString { get; }

    public ManualClock Clock { get; } = new(StartTime);
    public LogSink Logs { get; } = new();
    public ServiceProvider Services { get; private set; }

    public Dictionary<string, string?> Settings
    {
        get
        {
            var settings = new Dictionary<string, string?>
            {
                ["Comet:DataDir"] = DataDir.Path,
                ["Database:Provider"] = Provider == DatabaseProvider.Postgres ? "postgres" : "sqlite",
            };
            if (ConnectionString is not null) settings["ConnectionStrings:Comet"] = ConnectionString;
            return settings;
        }
    }

    /// <summary>
    /// A fresh database (migrated unless asked otherwise) and the services on it; <paramref name="configure"/> may
    /// replace services after the hosts' composition (a fake at the edge, e.g. a job backend).
    /// </summary>
    public static async Task<TestHost> StartAsync(DatabaseProvider provider, bool migrate = true, Action<IServiceCollection>? configure = null)
    {
        var dataDir = new TempDirectory("comet-db-tests");
        string? connectionString = null;
        TestHost? host = null;
        try
        {
            if (provider == DatabaseProvider.Postgres)
                connectionString = await TestPostgres.CreateDatabaseAsync();
            host = new TestHost(provider, dataDir, connectionString, configure);
            if (migrate) await host.MigrateAsync();
            return host;
        }
        catch
        {
            // Includes Assert.Ignore when no PostgreSQL server was started.
            if (host is not null) await host.DisposeAsync();
            else
            {
                if (connectionString is not null) await TestPostgres.DropDatabaseAsync(connectionString);
                dataDir.Dispose();
            }
            throw;
        }
    }

    /// <summary>Creates the database; does not migrate it.</summary>
    public static Task<TestHost> CreateAsync(DatabaseProvider provider) => StartAsync(provider, migrate: false);

    /// <summary>The hosts' composition: logging, application, infrastructure from in-memory configuration.</summary>
    public static ServiceProvider BuildServices(IReadOnlyDictionary<string, string?> settings, TimeProvider? clock = null, ILoggerProvider? logs = null,
        Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        // Before AddApplication, which only adds the system clock if none is there.
        if (clock is not null) services.AddSingleton(clock);
        services
            .AddLogging(logging =>
            {
                logging.SetMinimumLevel(LogLevel.Information);
                if (logs is not null) logging.AddProvider(logs);
            })
            .AddApplication()
            .AddInfrastructure(configuration);
        configure?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public Task<IReadOnlyList<string>> MigrateAsync() => Services.MigrateDatabaseAsync();

    /// <summary>Disposes the services and builds new ones on the same database, as a restarted process would.</summary>
    public async Task RestartAsync()
    {
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Services = BuildServices(Settings, Clock, Logs, _configure);
    }

    /// <summary>Sends one request through MediatR in its own scope, like one HTTP request.</summary>
    public async Task<TResponse> SendAsync<TResponse>(IRequest<TResponse> request)
    {
        await using var scope = Services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        return await mediator.Send(request, CancellationToken.None);
    }

    /// <summary>Works on the database directly, in a scope of its own (a fresh DbContext, nothing cached).</summary>
    public async Task<T> WithDbAsync<T>(Func<CometDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<CometDbContext>());
    }

    public Task WithDbAsync(Func<CometDbContext, Task> work) =>
        WithDbAsync(async db => { await work(db); return true; });

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (ConnectionString is not null) await TestPostgres.DropDatabaseAsync(ConnectionString);
        SqliteConnection.ClearAllPools();
        DataDir.Dispose();
    }
}
