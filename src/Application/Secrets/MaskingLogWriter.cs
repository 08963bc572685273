using Comet.Application.Common.Interfaces;

namespace Comet.Application.Secrets;

/// <summary>
/// A step's log writer that masks the job's secrets before the line reaches the store, so nothing unmasked is ever
/// written to the log file or streamed from it. Pieces of an overlong line keep a tail back (the longest masked form
/// less one character) until the next piece arrives, so a secret cut in two by the piece boundary is still found whole.
/// </summary>
public sealed class MaskingLogWriter(IStepLogWriter inner, SecretMasker masker) : IStepLogWriter
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string _pending = "";

    public bool Truncated => inner.Truncated;

    public async ValueTask WriteLineAsync(string line)
    {
        await _gate.WaitAsync();
        try
        {
            var text = _pending + line;
            _pending = "";
            await inner.WriteLineAsync(masker.Apply(text));
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask WriteLinePieceAsync(string piece)
    {
        await _gate.WaitAsync();
        try
        {
            var text = _pending + piece;
            var cut = masker.SafeCut(text);
            _pending = text[cut..];
            if (cut > 0) await inner.WriteLinePieceAsync(masker.Apply(text[..cut]));
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_pending.Length > 0) await inner.WriteLineAsync(masker.Apply(_pending));
        _pending = "";
        await inner.DisposeAsync();
        _gate.Dispose();
    }
}
