using System.Collections.Concurrent;
using Comet.Orchestrator.Tests.Outbound;

namespace Comet.Orchestrator.Tests.Notifications;

/// <summary>What the notification tests ask of the shared loopback receiver: requests to one path, answers for one path.</summary>
internal static class ReceiverWaits
{
    /// <summary>Waits (up to 20 s, then fails) for <paramref name="count"/> requests matching <paramref name="match"/>; returns those.</summary>
    public static async Task<List<ReceivedRequest>> WaitForAsync(this FakeReceiver receiver, int count, Func<ReceivedRequest, bool> match) =>
        [.. (await receiver.WaitForAsync(all => all.Count(match) >= count, $"{count} matching requests", seconds: 20)).Where(match)];

    /// <summary>Answers requests to <paramref name="path"/> with these statuses in order, then 200; other paths get 200.</summary>
    public static void AnswerFor(this FakeReceiver receiver, string path, params int[] statuses)
    {
        var queue = new ConcurrentQueue<int>(statuses);
        var before = receiver.Responder;
        receiver.Responder = request => request.Path == path && queue.TryDequeue(out var status) ? new FakeAnswer(status, "{}") : before(request);
    }
}
