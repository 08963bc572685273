namespace Comet.Application.Outbound;

/// <summary>
/// Adds messages to the outbox through the scope's unit of work: they are saved by the caller's SaveChanges, in the
/// same transaction as the state change that caused them, and delivered afterwards by the outbox worker.
/// </summary>
public interface IOutbox
{
    void Enqueue(OutboundMessage message);
}
