using Comet.Application.Common.Interfaces;
using Comet.Infrastructure.Configuration;
using Comet.Infrastructure.Health;
using Comet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Comet.Infrastructure;

public static class DependencyInjection
{
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCometOptions(configuration);

        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.Section))
            .Configure(o => o.ConnectionString = configuration.GetConnectionString("Comet"))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();

        services.AddDbContext<CometDbContext>((provider, options) =>
        {
            var database = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var comet = provider.GetRequiredService<IOptions<CometOptions>>().Value;
            if (database.IsPostgres)
                options.UseNpgsql(database.ConnectionString);
            else
                options.UseSqlite(string.IsNullOrWhiteSpace(database.ConnectionString) ? SqliteConnectionString(comet) : database.ConnectionString);

            // Migrations are written by hand and have no model snapshot to compare with,
            // so EF would always see "pending model changes". The migration tests cover the schema instead.
            options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
        });
        services.AddScoped<ICometDbContext>(provider => provider.GetRequiredService<CometDbContext>());

        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return services;
    }

    /// <summary>The settings every host needs, even one without a database (the gateway).</summary>
    public static IServiceCollection AddCometOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CometOptions>().Bind(configuration.GetSection(CometOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CometOptions>, CometOptionsValidator>();
        return services;
    }

    private static string SqliteConnectionString(CometOptions comet)
    {
        Directory.CreateDirectory(comet.DataDirFullPath);
        return $"Data Source={Path.Combine(comet.DataDirFullPath, "comet.db")};Foreign Keys=True";
    }
}
