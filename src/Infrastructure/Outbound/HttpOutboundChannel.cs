using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Comet.Application.Outbound;

namespace Comet.Infrastructure.Outbound;

/// <summary>
/// The "http" channel: sends a message's <see cref="HttpPayload"/> with its credential header and an
/// <c>X-Comet-Delivery</c> header carrying the outbox message id (the same on every attempt, so receivers can drop a
/// redelivery), through <see cref="OutboundHttp"/> (address guard, no redirects, short timeouts).
/// </summary>
public sealed class HttpOutboundChannel(OutboundHttp http) : IOutboundChannel
{
    public const string DeliveryHeader = "X-Comet-Delivery";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Name => OutboundChannels.Http;

    public async Task<DeliveryOutcome> SendAsync(OutboundMessage message, string? credential, CancellationToken cancellationToken)
    {
        HttpPayload payload;
        try
        {
            payload = JsonSerializer.Deserialize<HttpPayload>(message.Payload, Json) ?? throw new JsonException("empty payload");
        }
        catch (JsonException ex)
        {
            return new DeliveryOutcome(DeliveryResult.Rejected, "http " + message.Destination, null, "the payload is not an HTTP request: " + ex.Message, TimeSpan.Zero);
        }
        var summary = $"{payload.Method.ToUpperInvariant()} {Describe(payload.Url)}";
        if (!Uri.TryCreate(payload.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            return new DeliveryOutcome(DeliveryResult.Rejected, summary, null, "the URL is not an absolute http:// or https:// address", TimeSpan.Zero);

        using var request = new HttpRequestMessage(new HttpMethod(payload.Method.ToUpperInvariant()), url);
        foreach (var (name, value) in payload.Headers) request.Headers.TryAddWithoutValidation(name, value);
        if (message.Credential is { } c && credential is not null) request.Headers.TryAddWithoutValidation(c.HeaderName, credential);
        if (message.DeliveryId is { } id) request.Headers.TryAddWithoutValidation(DeliveryHeader, id.ToString());
        if (payload.Body is not null)
            request.Content = new StringContent(payload.Body, Encoding.UTF8, MediaTypeHeaderValue.Parse(payload.ContentType ?? "application/json"));

        return await http.SendAsync(request, summary, cancellationToken);
    }

    /// <summary>The URL without its query (where tokens sometimes travel) and user info.</summary>
    private static string Describe(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return url.Split('?')[0];
        return new UriBuilder(uri) { UserName = "", Password = "", Query = "", Fragment = "" }.Uri.GetLeftPart(UriPartial.Path);
    }
}
