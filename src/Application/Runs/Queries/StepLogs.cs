using System.Runtime.CompilerServices;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Domain.Runs;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Runs.Queries;

/// <summary>A piece of a step's log: the bytes from <see cref="Offset"/> on, and where the next read starts.</summary>
public sealed record LogChunk(long Offset, long NextOffset, string Text);

/// <summary>
/// Reads a step's log from a byte offset, or follows it while the step runs. The log is streamed from
/// its file in bounded pieces, never read whole.
/// </summary>
public sealed class StepLogReader(ICometDbContext db, IStepLogStore logs)
{
    private const int ChunkBytes = 64 * 1024;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Checks the step exists in that run and job; throws NotFound otherwise.</summary>
    public async Task<StepStatus> StatusAsync(Guid runId, Guid jobId, int index, CancellationToken cancellationToken)
    {
        var status = await db.Steps.AsNoTracking()
            .Where(s => s.JobId == jobId && s.Index == index && db.Jobs.Any(j => j.Id == jobId && j.RunId == runId))
            .Select(s => (StepStatus?)s.Status)
            .FirstOrDefaultAsync(cancellationToken);
        return status ?? throw new NotFoundException("step", $"{runId}/{jobId}/{index}");
    }

    /// <summary>Everything written so far from <paramref name="offset"/>, in pieces.</summary>
    public async IAsyncEnumerable<LogChunk> ReadAsync(Guid runId, Guid jobId, int index, long offset,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = logs.OpenRead(runId, jobId, index);
        if (stream is null) yield break;
        await foreach (var chunk in ReadFromAsync(stream, offset, cancellationToken)) yield return chunk;
    }

    /// <summary>Like <see cref="ReadAsync"/>, then keeps reading what the step writes until it has ended.</summary>
    public async IAsyncEnumerable<LogChunk> FollowAsync(Guid runId, Guid jobId, int index, long offset,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Stream? stream = null;
        try
        {
            var next = offset;
            while (!cancellationToken.IsCancellationRequested)
            {
                // Read the status before the file, so the last lines written before the end are never missed.
                var ended = StepTransitions.Table.IsTerminal(await StatusAsync(runId, jobId, index, cancellationToken));
                stream ??= logs.OpenRead(runId, jobId, index);
                if (stream is not null)
                {
                    await foreach (var chunk in ReadFromAsync(stream, next, cancellationToken))
                    {
                        next = chunk.NextOffset;
                        yield return chunk;
                    }
                }
                if (ended) yield break;
                await Task.Delay(PollInterval, cancellationToken);
            }
        }
        finally
        {
            if (stream is not null) await stream.DisposeAsync();
        }
    }

    private static async IAsyncEnumerable<LogChunk> ReadFromAsync(Stream stream, long offset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (offset >= stream.Length) yield break;
        stream.Seek(offset, SeekOrigin.Begin);
        var buffer = new byte[ChunkBytes];
        var position = offset;
        while (true)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0) yield break;
            // Only whole lines (and whole UTF-8 characters): stop after the last newline of the piece.
            var end = read;
            var lastNewline = Array.LastIndexOf(buffer, (byte)'\n', read - 1);
            if (lastNewline >= 0) end = lastNewline + 1;
            else if (read < buffer.Length) yield break; // an unfinished line; it comes whole next time
            var text = System.Text.Encoding.UTF8.GetString(buffer, 0, end);
            yield return new LogChunk(position, position + end, text);
            position += end;
            stream.Seek(position, SeekOrigin.Begin);
        }
    }
}
