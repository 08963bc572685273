using Comet.Application.Notifications;
using Comet.Application.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Comet.Infrastructure.Notifications;

public static class NotificationSetup
{
    /// <summary>Liquid templates and the four notification channels the outbox sends through.</summary>
    public static IServiceCollection AddNotificationChannels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();
        services.AddSingleton<INotificationTemplates, FluidNotificationTemplates>();
        services.AddSingleton<IOutboundChannel, WebhookChannel>();
        services.AddSingleton<IOutboundChannel, SlackChannel>();
        services.AddSingleton<IOutboundChannel, TelegramChannel>();
        services.AddSingleton<IOutboundChannel, EmailChannel>();
        return services;
    }
}
