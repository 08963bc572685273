using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Comet.Application.Outbound;
using Microsoft.Extensions.Options;

namespace Comet.Infrastructure.Outbound;

/// <summary>
/// The one HTTP client every outbound call goes through (forge statuses, webhooks, Slack, Telegram), and how an answer
/// becomes a delivery outcome: 2xx is delivered; 408, 429, 5xx, refused connections and timeouts (10 s) are worth a
/// retry; any other answer is a rejection. Redirects are not followed: a 3xx is rejected, naming where it pointed,
/// because following one would send the request somewhere nobody configured. Every connection is checked against
/// <see cref="OutboundAddressRules"/> at connect time, on the address DNS actually gave.
/// </summary>
public sealed class OutboundHttp : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    public const int MaxAnswerChars = 1000;

    private readonly HttpClient _client;

    public OutboundHttp(IOptions<OutboundOptions> options)
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

    /// <summary>Sends the request (disposed by the caller) and reads the start of the answer; <paramref name="summary"/> is what the delivery log shows.</summary>
    public async Task<DeliveryOutcome> SendAsync(HttpRequestMessage request, string summary, CancellationToken cancellationToken)
    {
        if (!request.Headers.UserAgent.Any()) request.Headers.TryAddWithoutValidation("User-Agent", "Comet");
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

    /// <summary>At most <see cref="MaxAnswerChars"/> characters of a text for the delivery log.</summary>
    public static string Excerpt(string text) => text.Length <= MaxAnswerChars ? text : text[..MaxAnswerChars];

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
