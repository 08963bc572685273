using Comet.Application.Outbound;
using Comet.Domain.Outbound;
using Comet.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Infrastructure.Outbound;

/// <summary>
/// The outbox as rows in the scope's <see cref="CometDbContext"/>: a message is saved by the caller's SaveChanges, in
/// the transaction of the change that caused it, and the worker is woken once that save has committed. The context is
/// taken from the scope when the first message is enqueued, not injected, because run change handlers that enqueue are
/// themselves dependencies of the context.
/// </summary>
public sealed class DbContextOutbox(IServiceProvider services, OutboxSignal signal, TimeProvider clock) : IOutbox
{
    private CometDbContext? _db;

    public void Enqueue(OutboundMessage message)
    {
        if (_db is null)
        {
            _db = services.GetRequiredService<CometDbContext>();
            _db.SavedChanges += (_, _) => signal.Notify();
        }
        var row = new OutboxMessage(message.ProjectId, message.Kind, message.Channel, message.Destination, message.Payload, message.Summary,
            clock.GetUtcNow().UtcDateTime);
        row.From(message.SourceId, message.RunId, message.OrderingKey);
        if (message.Credential is { } credential)
            row.UseCredential(credential.ProjectId, credential.SecretName, credential.HeaderName, credential.Format);
        _db.OutboxMessages.Add(row);
    }
}
