namespace Comet.Gateway.Forwarding;

/// <summary>
/// The client's request body on its way downstream, counted: when the downstream closes the connection, this tells
/// whether it did so in the middle of the body (it stopped taking it) or before or after.
/// </summary>
public sealed class ForwardedRequestBody(Stream inner) : Stream
{
    private long _sent;
    private bool _ended;

    /// <summary>Bytes handed to the downstream connection so far.</summary>
    public long BytesSent => Interlocked.Read(ref _sent);

    /// <summary>True once part of the body went out but not all of it.</summary>
    public bool IsCutOff => BytesSent > 0 && !Volatile.Read(ref _ended);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await inner.ReadAsync(buffer, cancellationToken));

    private int Counted(int read)
    {
        if (read == 0 && !_ended) Volatile.Write(ref _ended, true);
        Interlocked.Add(ref _sent, read);
        return read;
    }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
