namespace Comet.Application.Runs;

/// <summary>
/// One page of a project's runs, newest first. Paged by number (page=): page, totalCount and totalPages as every list
/// gives them. Paged by run number (before=): the runs numbered below it, with page, totalCount and totalPages null —
/// counting every run of a large project is the cost that way of paging avoids. Either way <see cref="NextBefore"/> is
/// the last item's number while older runs follow (send it as before= for the next page), and null at the end.
/// </summary>
public sealed record RunPage(IReadOnlyList<RunSummaryDto> Items, int? Page, int PageSize, int? TotalCount, int? TotalPages, long? NextBefore);
