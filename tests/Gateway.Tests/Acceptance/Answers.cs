using System.Net;
using System.Text.Json;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>What the tests check about the gateway's answers, in one place.</summary>
public static class Answers
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    /// <summary>The request as the downstream echoed it; fails unless the answer is the echo (200).</summary>
    public static async Task<Received> EchoOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"expected the downstream's echo, got: {body}");
        return JsonSerializer.Deserialize<Received>(body, Json) ?? throw new AssertionException("the downstream echoed nothing");
    }

    /// <summary>Checks the answer is a problem+json of this status, without a stack trace, and returns it.</summary>
    public static async Task<JsonElement> ProblemOf(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(status), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), body);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Multiple(() =>
        {
            Assert.That(problem.TryGetProperty("status", out var s) ? s.GetInt32() : 0, Is.EqualTo(status), body);
            Assert.That(problem.TryGetProperty("title", out var t) ? t.GetString() : null, Is.Not.Null.And.Not.Empty, body);
            Assert.That(problem.TryGetProperty("detail", out var d) ? d.GetString() : null, Is.Not.Null.And.Not.Empty, body);
            Assert.That(body, Does.Not.Contain("   at "), "no stack trace in a problem");
        });
        return problem;
    }

    public static string Detail(this JsonElement problem) => problem.GetProperty("detail").GetString() ?? "";

    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(", ", contentValues)
        : null;

    public static void AssertSecurityHeaders(HttpResponseMessage response, string what)
    {
        Assert.Multiple(() =>
        {
            Assert.That(response.Header("X-Content-Type-Options"), Is.EqualTo("nosniff"), what);
            Assert.That(response.Header("X-Frame-Options"), Is.EqualTo("DENY"), what);
            Assert.That(response.Header("Referrer-Policy"), Is.EqualTo("no-referrer"), what);
        });
    }
}

public static class Eventually
{
    /// <summary>Asks <paramref name="probe"/> until it returns true; fails with <paramref name="what"/> after <paramref name="within"/>.</summary>
    public static async Task Until(Func<Task<bool>> probe, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (await probe()) return;
            if (DateTime.UtcNow > deadline) Assert.Fail($"{what} did not happen within {within.TotalSeconds} s");
            await Task.Delay(50);
        }
    }

    public static Task Until(Func<bool> condition, TimeSpan within, string what) =>
        Until(() => Task.FromResult(condition()), within, what);
}
