using System.Net;
using System.Text.Json;

namespace Comet.Orchestrator.Tests;

/// <summary>Small helpers to read answers as JSON and check problem+json bodies.</summary>
public static class Http
{
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            Assert.Fail($"{(int)response.StatusCode} answer is not JSON ({ex.Message}): {text}");
            throw;
        }
    }

    /// <summary>Checks the status, the problem+json media type and the body's status; returns the body.</summary>
    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), body);
        var problem = await response.ReadJsonAsync();
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo((int)expected), body);
        return problem;
    }

    public static string? StringOrNull(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
