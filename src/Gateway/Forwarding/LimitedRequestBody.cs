namespace Comet.Gateway.Forwarding;

/// <summary>
/// A request body of unknown length (chunked) that may not grow past a limit of payload bytes. Kestrel's own limit
/// (IHttpMaxRequestBodySizeFeature) also counts the chunk framing, so it would refuse chunked bodies under the limit.
/// Over the limit, reading throws the same exception Kestrel would, so the forwarder answers 413.
/// </summary>
public sealed class LimitedRequestBody(Stream inner, long limit) : CountingReadStream(inner)
{
    private long _read;

    protected override int Counted(int read)
    {
        _read += read;
        if (_read > limit)
            throw new BadHttpRequestException($"Request body too large. The max request body size is {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
        return read;
    }
}
