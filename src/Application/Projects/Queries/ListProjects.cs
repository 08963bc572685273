using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Models;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Projects.Queries;

/// <summary>Projects in name order (ignoring case, the same on every database), one page at a time.</summary>
public sealed record ListProjectsQuery : IRequest<PagedList<ProjectDto>>
{
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = Paging.DefaultPageSize;
}

public sealed class ListProjectsValidator : AbstractValidator<ListProjectsQuery>
{
    public ListProjectsValidator()
    {
        RuleFor(q => q.Page).GreaterThanOrEqualTo(1).WithMessage("Page starts at 1.");
        RuleFor(q => q.PageSize).InclusiveBetween(1, Paging.MaxPageSize)
            .WithMessage($"Page size must be between 1 and {Paging.MaxPageSize}.");
    }
}

public sealed class ListProjectsHandler(ICometDbContext db) : IRequestHandler<ListProjectsQuery, PagedList<ProjectDto>>
{
    public Task<PagedList<ProjectDto>> Handle(ListProjectsQuery request, CancellationToken cancellationToken) =>
        PagedList<ProjectDto>.CreateAsync(
            db.Projects.AsNoTracking().OrderBy(p => p.NormalizedName).ThenBy(p => p.Id).Select(ProjectDto.Projection),
            request.Page, request.PageSize, cancellationToken);
}
