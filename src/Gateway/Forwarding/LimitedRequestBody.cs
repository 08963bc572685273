namespace Comet.Gateway.Forwarding;

/// <summary>
/// A client's request body on its way downstream, counted. It may not grow past a limit of payload bytes: Kestrel's
/// own limit (IHttpMaxRequestBodySizeFeature) also counts the chunk framing, so it would refuse chunked bodies under
/// the limit. Over the limit, reading throws the same exception Kestrel would, so the client gets a 413. The count
/// also tells, when the downstream closes the connection, whether it did so in the middle of the body (it stopped
/// taking it) or before or after. The inner stream is not disposed with this one.
/// </summary>
public sealed class LimitedRequestBody(Stream inner, long limit) : Stream
{
    private long _read;
    private bool _ended;

    /// <summary>Bytes read from the client so far (and handed to the downstream connection).</summary>
    public long BytesRead => Interlocked.Read(ref _read);

    /// <summary>True once part of the body went out but not all of it.</summary>
    public bool IsCutOff => BytesRead > 0 && !Volatile.Read(ref _ended);

    private int Counted(int read)
    {
        if (read == 0) Volatile.Write(ref _ended, true);
        var total = Interlocked.Add(ref _read, read);
        if (total > limit)
            throw new BadHttpRequestException($"Request body too large. The max request body size is {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
        return read;
    }

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

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
