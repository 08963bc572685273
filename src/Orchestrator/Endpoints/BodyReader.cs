using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Comet.Orchestrator.Endpoints;

/// <summary>Reads a raw request body up to a limit; over it is a 413 with the limit in the message.</summary>
public static class BodyReader
{
    public static async Task<byte[]> ReadBytesAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = limit;
        if (request.ContentLength > limit) throw TooLarge(limit);

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) throw TooLarge(limit);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public static async Task<string> ReadTextAsync(HttpRequest request, long limit, CancellationToken ct) =>
        Encoding.UTF8.GetString(await ReadBytesAsync(request, limit, ct));

    private static BadHttpRequestException TooLarge(long limit) =>
        new($"The request body is larger than the limit of {limit / (1024 * 1024.0):0.##} MB.", StatusCodes.Status413PayloadTooLarge);
}
