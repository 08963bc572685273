namespace Comet.Application.Events;

/// <summary>Settings under "Events": how long the live event log is kept and how the stream is fed.</summary>
public sealed class LiveEventOptions
{
    public const string Section = "Events";

    /// <summary>Events older than this are swept; a client resuming from before them gets a <c>reset</c>.</summary>
    public TimeSpan RetainFor { get; set; } = TimeSpan.FromHours(1);

    /// <summary>At most this many newest events are kept, whatever their age.</summary>
    public int RetainCount { get; set; } = 10_000;

    /// <summary>How often a comment line (<c>: heartbeat</c>) keeps an idle stream open through proxies.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the per-process feed reads new events when nothing woke it earlier.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often old events are swept.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Events waiting for one slow client; past this the stream is closed and the client resumes with Last-Event-ID,
    /// so one stalled connection never holds memory without bound.
    /// </summary>
    public int ClientBuffer { get; set; } = 5_000;
}
