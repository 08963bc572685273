namespace Comet.Gateway.Forwarding;

/// <summary>One id per request, taken from the client or made here, passed downstream, echoed back and logged.</summary>
public static class RequestIds
{
    private const int MaxLength = 128;

    public static string Ensure(HttpContext context, string headerName)
    {
        var given = context.Request.Headers[headerName];
        var id = given.Count == 1 && IsUsable(given[0]) ? given[0]! : Guid.NewGuid().ToString("N");
        context.Request.Headers[headerName] = id;
        context.Response.Headers[headerName] = id;
        // Problem answers carry it as traceId, so a user can quote one id that is found everywhere.
        context.TraceIdentifier = id;
        return id;
    }

    /// <summary>Short printable ASCII only: a client's id ends up in logs and response headers.</summary>
    private static bool IsUsable(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxLength && value.All(c => c is > ' ' and < (char)127);
}
