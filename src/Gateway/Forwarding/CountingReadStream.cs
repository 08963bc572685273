namespace Comet.Gateway.Forwarding;

/// <summary>
/// A read-only, forward-only view of another stream that hands every read's byte count to <see cref="Counted"/>
/// (0 at the end of the stream). The inner stream is not disposed with this one.
/// </summary>
public abstract class CountingReadStream(Stream inner) : Stream
{
    /// <summary>Sees the bytes one read returned and returns them, or throws to fail the read.</summary>
    protected abstract int Counted(int read);

    public sealed override bool CanRead => true;
    public sealed override bool CanSeek => false;
    public sealed override bool CanWrite => false;
    public sealed override long Length => throw new NotSupportedException();

    public sealed override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public sealed override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

    public sealed override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public sealed override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await inner.ReadAsync(buffer, cancellationToken));

    public sealed override void Flush() { }

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();

    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
