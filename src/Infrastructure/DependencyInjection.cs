using Comet.Infrastructure.Notifications;
using Comet.Application.Common.Interfaces;
using Comet.Application.Runs.Execution;
using Comet.Infrastructure.Configuration;
using Comet.Infrastructure.Execution;
using Comet.Infrastructure.Git;
using Comet.Infrastructure.Logs;
using Comet.Infrastructure.Health;
using Comet.Infrastructure.Persistence;
using Comet.Infrastructure.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;
using Comet.Hosting;

namespace Comet.Infrastructure;

public static class DependencyInjection
{
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCometOptions(configuration);
        // The application's instruments (runs, webhooks, outbox) take their meters from IMeterFactory; the web host
        // adds it too, a worker or test composition gets it here.
        services.AddMetrics();

        // Accounts and tokens: PBKDF2 password hashes, RS256 access tokens signed with keys kept in the data folder.
        services.AddOptions<Identity.CometIdentityOptions>().Bind(configuration.GetSection(Identity.CometIdentityOptions.Section));
        services.AddOptions<Application.Identity.Commands.RegistrationOptions>().Bind(configuration.GetSection(Application.Identity.Commands.RegistrationOptions.Section));
        services.AddOptions<Application.Identity.LoginThrottleOptions>().Bind(configuration.GetSection(Application.Identity.LoginThrottleOptions.Section));
        services.AddSingleton<Application.Common.Interfaces.IPasswordHasher, Identity.Passwords>();
        services.AddSingleton(p => new Identity.SigningKeys(p.GetRequiredService<IOptions<CometOptions>>().Value.DataDirFullPath));
        services.AddSingleton<Application.Common.Interfaces.IAccessTokenIssuer, Identity.JwtAccessTokens>();

        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.Section))
            .Configure(o => o.ConnectionString = configuration.GetConnectionString("Comet"))
            // The data folder's own database when this start names none; another one is refused (DataFolderDatabase).
            .PostConfigure(o => DataFolderDatabase.Apply(o, configuration))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();

        services.AddDbContext<CometDbContext>((provider, options) =>
        {
            var database = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var comet = provider.GetRequiredService<IOptions<CometOptions>>().Value;
            // Runs load with their jobs and steps: split queries avoid the cartesian blow-up of one big join.
            if (database.IsPostgres)
                options.UseNpgsql(database.ConnectionString, o => o.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery));
            else
                options.UseSqlite(string.IsNullOrWhiteSpace(database.ConnectionString) ? SqliteConnectionString(comet) : database.ConnectionString,
                    o => o.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery));

            // Migrations are written by hand and have no model snapshot to compare with,
            // so EF would always see "pending model changes". The migration tests cover the schema instead.
            options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
            // Live event ids commit in order (an advisory lock on PostgreSQL), and the feeds wake after the commit.
            options.AddInterceptors(provider.GetRequiredService<LiveEventCommitOrder>());
        });
        services.AddScoped<ICometDbContext>(provider => provider.GetRequiredService<CometDbContext>());
        services.AddScoped<IBulkWriter, BulkWriter>();
        services.AddScoped<IConcurrencyGroupLock, ConcurrencyGroupLock>();
        services.AddScoped<Application.Runs.Changes.IBulkRunChanges, BulkRunChanges>();
        AddLiveEvents(services, configuration);

        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<OutboxHealthCheck>("outbox", tags: ["ready"]);

        // The outbox: rows in the unit of work, sent by the orchestrator's worker over the channels below.
        services.AddOptions<Application.Outbound.OutboxOptions>().Bind(configuration.GetSection(Application.Outbound.OutboxOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Application.Outbound.OutboxOptions>, Application.Outbound.OutboxOptionsValidator>();
        services.AddOptions<Application.Outbound.OutboundOptions>().Bind(configuration.GetSection(Application.Outbound.OutboundOptions.Section));
        services.AddScoped<Application.Outbound.IOutbox, Outbound.DbContextOutbox>();
        services.AddSingleton<Outbound.OutboundHttp>();
        services.AddSingleton<Application.Outbound.IOutboundChannel, Outbound.HttpOutboundChannel>();

        services.AddOptions<RunnerOptions>().Bind(configuration.GetSection(RunnerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RunnerOptions>, RunnerOptionsValidator>();
        // What a pipeline file may ask for: checked by the linter, by run planning and by manual runs alike.
        services.AddOptions<Application.Pipelines.PipelineOptions>().Bind(configuration.GetSection(Application.Pipelines.PipelineOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Application.Pipelines.PipelineOptions>, PipelineOptionsValidator>();
        services.AddSingleton<IGitRepositories, GitCli>();
        services.AddSingleton<IStepLogStore, FileStepLogStore>();
        services.AddNotificationChannels(configuration);
        services.AddSingleton<JobWorkspaces>();
        services.AddSingleton<INodeIdentity, DataFolderNodeIdentity>();
        // The job backend named by Runner:Backend (JobBackendNames); checked at start, never swapped silently.
        services.AddSingleton<SandboxBackend>();
        services.AddSingleton<LocalBackend>();
        services.AddSingleton<IJobBackend>(p => p.GetRequiredService<IOptions<RunnerOptions>>().Value.Backend switch
        {
            JobBackendNames.Local => p.GetRequiredService<LocalBackend>(),
            _ => p.GetRequiredService<SandboxBackend>(),
        });
        services.AddHostedService<JobBackendCheck>();

        // Artifacts: content-addressed files in the data folder, download URLs signed with a key kept there too.
        services.AddOptions<Application.Artifacts.ArtifactOptions>().Bind(configuration.GetSection(Application.Artifacts.ArtifactOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Application.Artifacts.ArtifactOptions>, Artifacts.ArtifactOptionsValidator>();
        services.AddOptions<Artifacts.ArtifactKeyOptions>().Bind(configuration.GetSection(Application.Artifacts.ArtifactOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Artifacts.ArtifactKeyOptions>, Artifacts.ArtifactKeyOptionsValidator>();
        services.AddSingleton<IArtifactStore, Artifacts.FileArtifactStore>();
        services.AddSingleton<IArtifactUrlKey, Artifacts.ArtifactUrlKey>();
        services.AddSingleton<IWorkspaceFiles, WorkspaceFiles>();

        // Secrets: values encrypted with Data Protection, its keys in the data folder, checked at start.
        services.AddSecretStore();
        return services;
    }

    /// <summary>
    /// The live event log's settings, its commit ordering, and with Redis:Configuration (the gateway's rate limits
    /// use the same setting) the relay that wakes every orchestrator's feed at once.
    /// </summary>
    private static void AddLiveEvents(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Application.Events.LiveEventOptions>().Bind(configuration.GetSection(Application.Events.LiveEventOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Application.Events.LiveEventOptions>, LiveEventOptionsValidator>();
        services.AddSingleton<LiveEventCommitOrder>();
        var redis = configuration["Redis:Configuration"];
        if (string.IsNullOrWhiteSpace(redis)) return;
        services.AddSingleton(p => new Events.RedisLiveEventRelay(redis, p.GetRequiredService<Application.Events.LiveEventSignal>(),
            p.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Events.RedisLiveEventRelay>>()));
        services.AddSingleton<Application.Events.ILiveEventFanOut>(p => p.GetRequiredService<Events.RedisLiveEventRelay>());
        services.AddHostedService(p => p.GetRequiredService<Events.RedisLiveEventRelay>());
    }

    private static string SqliteConnectionString(CometOptions comet)
    {
        PrivateFile.CreateFolder(comet.DataDirFullPath);
        return $"Data Source={Path.Combine(comet.DataDirFullPath, "comet.db")};Foreign Keys=True";
    }
}
