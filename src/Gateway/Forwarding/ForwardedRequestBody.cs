namespace Comet.Gateway.Forwarding;

/// <summary>
/// The client's request body on its way downstream, counted: when the downstream closes the connection, this tells
/// whether it did so in the middle of the body (it stopped taking it) or before or after.
/// </summary>
public sealed class ForwardedRequestBody(Stream inner) : CountingReadStream(inner)
{
    private long _sent;
    private bool _ended;

    /// <summary>Bytes handed to the downstream connection so far.</summary>
    public long BytesSent => Interlocked.Read(ref _sent);

    /// <summary>True once part of the body went out but not all of it.</summary>
    public bool IsCutOff => BytesSent > 0 && !Volatile.Read(ref _ended);

    protected override int Counted(int read)
    {
        if (read == 0 && !_ended) Volatile.Write(ref _ended, true);
        Interlocked.Add(ref _sent, read);
        return read;
    }
}
