using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Projects;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Outbound.Queries;

/// <summary>One outbound delivery with every attempt made: what was sent (without credentials) and what came back.</summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record GetOutboxMessageQuery(Guid MessageId) : IRequest<OutboxMessageDto>, IOutboxMessageRequest;

public sealed class GetOutboxMessageHandler(ICometDbContext db, ICurrentUser user) : IRequestHandler<GetOutboxMessageQuery, OutboxMessageDto>
{
    public async Task<OutboxMessageDto> Handle(GetOutboxMessageQuery request, CancellationToken cancellationToken)
    {
        var message = await db.OutboxMessages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == request.MessageId, cancellationToken);
        OutboxMessages.EnsureVisible(message, request.MessageId, user);
        var attempts = await db.OutboxAttempts.AsNoTracking().Where(a => a.MessageId == request.MessageId).OrderBy(a => a.Number)
            .Select(a => new OutboxAttemptDto(a.Number, a.At, a.Request, a.StatusCode, a.LatencyMs, a.Answer, a.Result))
            .ToListAsync(cancellationToken);
        return OutboxMessages.ToDto(message!, attempts);
    }
}
