using System.Diagnostics;
using System.Net;
using Comet.Application.Outbound;

namespace Comet.Infrastructure.Notifications;

/// <summary>
/// Sends one HTTP request for the outbox and reads the answer as a delivery outcome: 2xx delivered; 408, 429, 5xx,
/// timeouts and failed connections worth a retry; any other answer (401, 404, a redirect, …) refused for good.
/// </summary>
public static class HttpDelivery
{
    public const int AnswerExcerptLength = 1000;

    public static async Task<DeliveryOutcome> SendAsync(HttpClient client, HttpRequestMessage request, string summary, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var answer = await ExcerptAsync(response, cancellationToken);
            var code = (int)response.StatusCode;
            var result = code is >= 200 and < 300 ? DeliveryResult.Delivered
                : code is 408 or 429 or >= 500 ? DeliveryResult.Retry
                : DeliveryResult.Rejected;
            if (code is >= 300 and < 400 && response.Headers.Location is { } location)
                answer = $"redirected to {location} (redirects are not followed) {answer}".Trim();
            return new DeliveryOutcome(result, summary, code, answer, clock.Elapsed) { RetryAfter = RetryAfterOf(response) };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryOutcome(DeliveryResult.Retry, summary, null, $"no answer within {client.Timeout.TotalSeconds:0} s", clock.Elapsed);
        }
        catch (HttpRequestException e)
        {
            return new DeliveryOutcome(DeliveryResult.Retry, summary, null, Excerpt(e.InnerException?.Message ?? e.Message), clock.Elapsed);
        }
    }

    private static async Task<string?> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new char[AnswerExcerptLength];
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var read = await reader.ReadBlockAsync(buffer, cancellationToken);
        return read == 0 ? null : new string(buffer, 0, read);
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => response.StatusCode == HttpStatusCode.TooManyRequests ? TimeSpan.FromSeconds(30) : null,
        };

    public static string Excerpt(string text) => text.Length <= AnswerExcerptLength ? text : text[..AnswerExcerptLength];
}
