using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Common.Models;

/// <summary>One page of a list, with what a client needs to ask for the next one.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount)
{
    public int TotalPages => TotalCount == 0 ? 0 : (TotalCount + PageSize - 1) / PageSize;

    /// <summary>Takes the values a <see cref="Paging"/> rule accepted; anything else is a programming error, not a user's.</summary>
    public static async Task<PagedList<T>> CreateAsync(IQueryable<T> source, long page, long pageSize, CancellationToken cancellationToken)
    {
        if (page is < 1 or > Paging.MaxPage) throw new ArgumentOutOfRangeException(nameof(page), page, Paging.PageRange);
        if (pageSize is < 1 or > Paging.MaxPageSize) throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, Paging.PageSizeRange);
        var total = await source.CountAsync(cancellationToken);
        // Within the ranges the offset fits an int: MaxPage × MaxPageSize is far below int.MaxValue.
        var items = await source.Skip((int)((page - 1) * pageSize)).Take((int)pageSize).ToListAsync(cancellationToken);
        return new PagedList<T>(items, (int)page, (int)pageSize, total);
    }
}

/// <summary>
/// Paging parameters shared by list queries, and the one rule for them. Page and page size are <see langword="long"/> in
/// the queries so that a number past int's range reaches the rule and gets its range back, instead of wrapping the
/// offset round to page 1 (page 2147483647 × 20 overflowed an int).
/// </summary>
public static class Paging
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>A million pages of a hundred: past any real list, and (MaxPage - 1) × MaxPageSize still fits an int.</summary>
    public const int MaxPage = 1_000_000;

    public static readonly string PageRange = $"page must be between 1 and {MaxPage}.";
    public static readonly string PageSizeRange = $"pageSize must be between 1 and {MaxPageSize}.";

    public static IRuleBuilderOptions<T, long> ValidPage<T>(this IRuleBuilder<T, long> rule) =>
        rule.InclusiveBetween(1, MaxPage).WithMessage(PageRange);

    public static IRuleBuilderOptions<T, long> ValidPageSize<T>(this IRuleBuilder<T, long> rule) =>
        rule.InclusiveBetween(1, MaxPageSize).WithMessage(PageSizeRange);
}

/// <summary>A query for one page of a list; <see cref="PagedQueryValidator{T}"/> checks both numbers.</summary>
public abstract record PagedQuery
{
    public long Page { get; init; } = 1;
    public long PageSize { get; init; } = Paging.DefaultPageSize;
}

/// <summary>Every paged list refuses the same out-of-range page and page size with the same words.</summary>
public abstract class PagedQueryValidator<T> : AbstractValidator<T> where T : PagedQuery
{
    protected PagedQueryValidator()
    {
        RuleFor(q => q.Page).ValidPage();
        RuleFor(q => q.PageSize).ValidPageSize();
    }
}
