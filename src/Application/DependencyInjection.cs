using System.Reflection;
using Comet.Application.Common.Behaviours;
using Comet.Application.Runs.Execution;
using Comet.Application.Runs.Queries;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Comet.Application;

public static class DependencyInjection
{
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        var assembly = Assembly.GetExecutingAssembly();

        // MediatR 5 resolves handlers and behaviours through this factory.
        services.AddScoped<ServiceFactory>(provider => provider.GetService!);
        services.AddScoped<IMediator, Mediator>();
        foreach (var (service, implementation) in ClosedImplementationsOf(assembly, typeof(IRequestHandler<,>)))
            services.AddTransient(service, implementation);

        // Behaviours wrap the handler in registration order, first = outermost:
        //   1. logging — every request, with its duration (including the work of the inner ones);
        //   2. unhandled exceptions — logs what is not an expected outcome, then rethrows;
        //   3. authorization — the request's security attributes, before anything reads its content;
        //   4. validation — rejects bad input before the handler touches anything.
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(LoggingBehaviour<,>));
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(UnhandledExceptionBehaviour<,>));
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(AuthorizationBehaviour<,>));
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(ValidationBehaviour<,>));
        //   5. run links — a run answer gets its public URL, whichever use case made it.
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(Runs.RunLinkBehaviour<,>));

        // The FluentValidation DI package is not in the mirror; its own scanner does the same job.
        foreach (var result in AssemblyScanner.FindValidatorsInAssembly(assembly))
            services.AddTransient(result.InterfaceType, result.ValidatorType);

        services.TryAddSingleton(TimeProvider.System);

        // Running pipelines: per-request services, plus the node-wide registry and wake-up signal.
        services.AddScoped<Identity.TokenPairs>();
        services.AddScoped<Identity.AuditTrail>();
        services.AddScoped<Identity.Commands.UserAccounts>();
        // Requests sent outside HTTP (start-up, background work) have nobody behind them; hosts register their own.
        services.TryAddScoped<Common.Interfaces.ICurrentUser, Common.Security.NobodySignedIn>();
        services.AddOptions<Identity.LoginThrottleOptions>();
        services.AddSingleton<Identity.LoginThrottle>();
        services.AddScoped<RunPlanner>();
        services.AddScoped<RunScheduler>();
        services.AddScoped<SupersededRuns>();
        services.AddScoped<JobExecutor>();
        services.AddScoped<Secrets.SecretStore>();
        services.AddScoped<Secrets.JobSecrets>();
        services.AddSingleton<JobRecorder>();
        services.AddSingleton<Common.DatabaseWriteGate>();
        services.AddSingleton<LeaseKeeper>();
        services.AddScoped<TestReports.ReportCollector>();
        services.AddScoped<Artifacts.ArtifactCollector>();
        services.AddScoped<Artifacts.NeededArtifacts>();
        services.AddScoped<Artifacts.ArtifactUrls>();
        services.AddOptions<Artifacts.ArtifactOptions>();
        services.AddOptions<Pipelines.PipelineOptions>();
        services.AddScoped<StepLogReader>();
        services.AddSingleton<RunningJobs>();
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<Webhooks.WebhookMetrics>();

        // The live event log: written with every run change and dead letter, fed to streams by one loop per process.
        services.AddScoped<Runs.Changes.IRunChangeHandler, Events.LiveEventRecorder>();
        services.AddScoped<Outbound.IDeadLetterHandler, Events.LiveEventRecorder>();
        services.AddSingleton<Events.LiveEventSignal>();
        services.TryAddSingleton<Events.ILiveEventFanOut, Events.NoLiveEventFanOut>();
        services.AddOptions<Events.LiveEventOptions>();
        // The outbox worker's parts: claims and one delivery per scope, breakers, metrics and the wake-up signal per node.
        services.AddScoped<Outbound.OutboxClaims>();
        services.AddScoped<Outbound.OutboxDelivery>();
        services.AddSingleton<Outbound.OutboundBreakers>();
        services.AddSingleton<Outbound.OutboxMetrics>();
        services.AddSingleton<Outbound.OutboxSignal>();
        services.AddScoped<Runs.Changes.IRunChangeHandler, ForgeStatus.ForgeStatusReporter>();
        // Notifications are made in the transaction of the change that causes them (run ends, approvals, deployments, dead letters).
        services.AddScoped<Notifications.NotificationProducer>();
        services.AddScoped<Runs.Changes.IRunChangeHandler>(p => p.GetRequiredService<Notifications.NotificationProducer>());
        services.AddScoped<Outbound.IDeadLetterHandler>(p => p.GetRequiredService<Notifications.NotificationProducer>());
        // Last of the change handlers: a change is counted only once every handler before it has taken it.
        services.AddSingleton<Runs.RunMetrics>();
        services.AddScoped<Runs.Changes.IRunChangeHandler, Runs.Changes.RunMetricsRecorder>();
        return services;
    }

    private static IEnumerable<(Type Service, Type Implementation)> ClosedImplementationsOf(Assembly assembly, Type openInterface) =>
        from type in assembly.GetTypes()
        where type is { IsAbstract: false, IsInterface: false, IsGenericTypeDefinition: false }
        from service in type.GetInterfaces()
        where service.IsGenericType && service.GetGenericTypeDefinition() == openInterface
        select (service, type);
}
