using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Options;

namespace Comet.Orchestrator.Tests.Schedules;

/// <summary>Schedules:* settings that make no sense stop the orchestrator at start, naming the key.</summary>
[NonParallelizable]
public sealed class ScheduleSettingsTests
{
    [Test]
    public void A_zero_poll_interval_and_no_room_for_schedules_stop_the_host_naming_each_key()
    {
        var thrown = new List<OptionsValidationException>();
        void Record(object? sender, FirstChanceExceptionEventArgs e)
        {
            if (e.Exception is OptionsValidationException validation)
                lock (thrown) thrown.Add(validation);
        }

        using var factory = new OrchestratorFactory(new Dictionary<string, string?>
        {
            ["Schedules:PollInterval"] = "00:00:00",
            ["Schedules:MaxPerProject"] = "0",
        });
        AppDomain.CurrentDomain.FirstChanceException += Record;
        try
        {
            Assert.That(() => factory.CreateClient(), Throws.Exception, "the host must not start with this configuration");
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Record;
        }

        lock (thrown)
        {
            var message = string.Join("\n", thrown.Select(t => t.Message));
            Assert.That(message, Does.Contain("Schedules:PollInterval must be between 00:00:00.010 and 00:01:00"));
            Assert.That(message, Does.Contain("Schedules:MaxPerProject must be at least 1, not 0"));
        }
    }
}
