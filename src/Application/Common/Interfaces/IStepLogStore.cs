namespace Comet.Application.Common.Interfaces;

/// <summary>Step logs, one file per step attempt under the data folder; never held whole in memory.</summary>
public interface IStepLogStore
{
    IStepLogWriter OpenWriter(Guid runId, Guid jobId, int stepIndex);

    /// <summary>The log as written so far, or null when the step has not written one.</summary>
    Stream? OpenRead(Guid runId, Guid jobId, int stepIndex);

    /// <summary>Removes a run's logs (when the run or its project is deleted).</summary>
    void DeleteRun(Guid runId);
}

/// <summary>Timestamps each line, enforces the size cap and is safe to call from two streams at once.</summary>
public interface IStepLogWriter : IAsyncDisposable
{
    ValueTask WriteLineAsync(string line);

    /// <summary>
    /// A piece of a line too long to hold whole; the line goes on in the next call. Stored like a line, but a writer
    /// that looks for text across pieces (secret masking) knows to look across this boundary.
    /// </summary>
    ValueTask WriteLinePieceAsync(string piece) => WriteLineAsync(piece);

    /// <summary>True once the cap was reached and output is being dropped.</summary>
    bool Truncated { get; }
}
