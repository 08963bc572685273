using Comet.Orchestrator.Tests.Outbound;
using Comet.Orchestrator.Tests.Pipelines;

namespace Comet.Orchestrator.Tests.Notifications;

/// <summary>
/// An orchestrator whose notification channels reach loopback stand-ins for the outside world: one HTTP receiver (the
/// generic webhook, Slack, the Telegram Bot API under /telegram) and a local SMTP sink.
/// </summary>
public abstract class NotificationTestBase : PipelineTestBase
{
    protected const string BotToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    private FakeReceiver? _receiver;

    protected SmtpSink Smtp { get; } = new();

    protected FakeReceiver Receiver => _receiver ??= FakeReceiver.StartAsync().GetAwaiter().GetResult();

    /// <summary>What a fixture adds to the channel settings below.</summary>
    protected virtual IReadOnlyDictionary<string, string?> MoreSettings => new Dictionary<string, string?>();

    protected sealed override IReadOnlyDictionary<string, string?> ExtraSettings
    {
        get
        {
            var settings = new Dictionary<string, string?>
            {
                ["Notifications:Smtp:Host"] = "127.0.0.1",
                ["Notifications:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Notifications:Smtp:Security"] = "none",
                ["Notifications:Smtp:From"] = "Comet CI <ci@example.com>",
                ["Notifications:TelegramApiUrl"] = Receiver.Url + "/telegram",
                // The stand-ins listen on loopback, which outbound calls refuse unless an admin allows private addresses.
                ["Outbound:AllowPrivateAddresses"] = "true",
            };
            foreach (var (key, value) in MoreSettings) settings[key] = value;
            return settings;
        }
    }

    [OneTimeTearDown]
    public async Task StopFakes()
    {
        await Smtp.DisposeAsync();
        if (_receiver is not null) await _receiver.DisposeAsync();
    }
}
