using Comet.Domain.Projects;
using Comet.Application.Common.Security;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Runs.Queries;

/// <summary>A run with every attempt of every job and their steps.</summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record GetRunQuery(Guid RunId) : IRequest<RunDto>, IRunRequest;

public sealed class GetRunHandler(ICometDbContext db) : IRequestHandler<GetRunQuery, RunDto>
{
    public async Task<RunDto> Handle(GetRunQuery request, CancellationToken cancellationToken)
    {
        var run = await db.RunWithJobsAsync(request.RunId, tracked: false, cancellationToken);
        return await run.ToDtoAsync(db, cancellationToken);
    }
}
