using Comet.Application.Common.Interfaces;
using MediatR;

namespace Comet.Application.Runs;

/// <summary>
/// Gives every <see cref="RunDto"/> answer its <see cref="RunDto.Url"/> under the public address, whichever use case
/// made it (get, trigger, cancel, retry, and any later one), so no handler can forget it. Without a public address
/// (a host that registers none, e.g. in-process tests of the use cases) the field stays empty.
/// </summary>
public sealed class RunLinkBehaviour<TRequest, TResponse>(IEnumerable<IPublicAddress> addresses) : IPipelineBehavior<TRequest, TResponse>
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        var response = await next();
        if (response is RunDto { Url: null } run && addresses.FirstOrDefault() is { } address)
            return (TResponse)(object)(run with { Url = address.RunLink(run.Id), Jobs = run.Jobs.Select(j => WithHolderLink(j, address)).ToList() });
        return response;
    }

    /// <summary>A job waiting on a concurrency group links the run holding it.</summary>
    private static JobDto WithHolderLink(JobDto job, IPublicAddress address) =>
        job.WaitingReason is { HeldBy: { Url: null } holder } reason
            ? job with { WaitingReason = reason with { HeldBy = holder with { Url = address.RunLink(holder.RunId) } } }
            : job;
}
