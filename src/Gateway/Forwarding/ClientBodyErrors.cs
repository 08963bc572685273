namespace Comet.Gateway.Forwarding;

/// <summary>
/// Kestrel's refusal to read more of a client's request body (too large, malformed) as it surfaces from the
/// downstream call: wrapped in HttpClient's own exceptions. It is the client's fault, never the downstream's.
/// </summary>
public static class ClientBodyErrors
{
    public static BadHttpRequestException? Find(Exception exception)
    {
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
            if (inner is BadHttpRequestException bad) return bad;
        return null;
    }
}
