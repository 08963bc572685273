using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Comet.Application.Outbound;
using Microsoft.Extensions.Options;

namespace Comet.Infrastructure.Outbound;

/// <summary>
/// The "http" channel: sends a message's <see cref="HttpPayload"/> with its credential header and an
/// <c>X-Comet-Delivery</c> header carrying the outbox message id (the same on every attempt, so receivers can drop a
/// redelivery). 2xx is delivered; 408, 429, 5xx, refused connections and timeouts (10 s) are worth a retry; any other
/// answer is a rejection. Redirects are not followed: a 3xx is rejected, naming where it pointed, because following one
/// would send the credential somewhere nobody configured. Every connection is checked against
/// <see cref="OutboundAddressRules"/> at connect time, on the address DNS actually gave.
/// </summary>
public sealed class HttpOutboundChannel : IOutboundChannel, IDisposable
{
    public const string DeliveryHeader = "X-Comet-Delivery";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private const int MaxAnswerChars = 1000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _client;

    public HttpOutboundChannel(IOptions<OutboundOptions> options)
    {
        var allowPrivate = options.Value.AllowPrivateAddresses;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false, // a proxy would make the connection, past the address check
            ConnectTimeout = Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2), // DNS changes are seen, and checked again
            ConnectCallback = (context, ct) => GuardedConnectAsync(context.DnsEndPoint, allowPrivate, ct),
        };
        _client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

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
        if (!request.Headers.UserAgent.Any()) request.Headers.TryAddWithoutValidation("User-Agent", "Comet");
        if (payload.Body is not null)
            request.Content = new StringContent(payload.Body, Encoding.UTF8, MediaTypeHeaderValue.Parse(payload.ContentType ?? "application/json"));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var answer = await ReadStartAsync(response, timeout.Token);
            var latency = Stopwatch.GetElapsedTime(started);
            var code = (int)response.StatusCode;
            var result = Classify(code);
            if (code is >= 300 and < 400)
                answer = $"redirected to {response.Headers.Location?.ToString() ?? "nowhere"} (redirects are not followed)";
            return new DeliveryOutcome(result, summary, code, answer, latency) { RetryAfter = RetryAfter(response) };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryOutcome(DeliveryResult.Retry, summary, null, $"no answer within {Timeout.TotalSeconds:0} s", Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException ex) when (Find<OutboundAddressRefusedException>(ex) is { } refused)
        {
            return new DeliveryOutcome(DeliveryResult.Rejected, summary, null, refused.Message, Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException ex)
        {
            return new DeliveryOutcome(DeliveryResult.Retry, summary, null, Innermost(ex), Stopwatch.GetElapsedTime(started));
        }
    }

    public static DeliveryResult Classify(int code) => code switch
    {
        >= 200 and < 300 => DeliveryResult.Delivered,
        408 or 429 or >= 500 => DeliveryResult.Retry,
        _ => DeliveryResult.Rejected,
    };

    /// <summary>Connects only to addresses the rules allow, after resolving: what is checked is what is reached.</summary>
    private static async ValueTask<Stream> GuardedConnectAsync(DnsEndPoint endpoint, bool allowPrivate, CancellationToken cancellationToken)
    {
        var host = endpoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = allowPrivate ? addresses : addresses.Where(a => OutboundAddressRules.Refusal(a) is null).ToArray();
        if (allowed.Length == 0)
        {
            var first = addresses.FirstOrDefault();
            throw new OutboundAddressRefusedException(first is null
                ? $"{host} resolves to no address"
                : $"refused: {host} is {OutboundAddressRules.Refusal(first)} ({first}); {OutboundAddressRules.Rule}");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<string?> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[MaxAnswerChars];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken);
        return read == 0 ? null : new string(buffer, 0, read);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>The URL without its query (where tokens sometimes travel) and user info.</summary>
    private static string Describe(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return url.Split('?')[0];
        return new UriBuilder(uri) { UserName = "", Password = "", Query = "", Fragment = "" }.Uri.GetLeftPart(UriPartial.Path);
    }

    private static T? Find<T>(Exception ex) where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }

    private static string Innermost(Exception ex)
    {
        var e = ex;
        while (e.InnerException is not null) e = e.InnerException;
        return e == ex ? ex.Message : $"{ex.Message} ({e.Message})";
    }

    public void Dispose() => _client.Dispose();
}
