using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Projects;
using MediatR;

namespace Comet.Application.Runs.Queries;

/// <summary>
/// May the caller read this run's step logs? The same rule as reading the run (viewers), without loading the run:
/// log readers poll and follow often, and the log itself is read from files.
/// </summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record ReadRunLogQuery(Guid RunId) : IRequest<Unit>, IRunRequest;

public sealed class ReadRunLogHandler(ICometDbContext db) : IRequestHandler<ReadRunLogQuery, Unit>
{
    public async Task<Unit> Handle(ReadRunLogQuery request, CancellationToken cancellationToken)
    {
        await db.EnsureRunExistsAsync(request.RunId, cancellationToken);
        return Unit.Value;
    }
}
