using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Runs.Queries;

/// <summary>A run with every attempt of every job and their steps.</summary>
public sealed record GetRunQuery(Guid RunId) : IRequest<RunDto>;

public sealed class GetRunHandler(ICometDbContext db) : IRequestHandler<GetRunQuery, RunDto>
{
    public async Task<RunDto> Handle(GetRunQuery request, CancellationToken cancellationToken)
    {
        var run = await db.Runs.AsNoTracking()
            .Include(r => r.Jobs).ThenInclude(j => j.Steps)
            
            .FirstOrDefaultAsync(r => r.Id == request.RunId, cancellationToken)
            ?? throw new NotFoundException("run", request.RunId.ToString());
        var slug = await db.Projects.Where(p => p.Id == run.ProjectId).Select(p => p.Slug).FirstAsync(cancellationToken);
        return run.ToDto(slug);
    }
}
