using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comet.Application.Common.Interfaces;
using Comet.Application.Outbound;
using Comet.Orchestrator.Tests.Pipelines;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Orchestrator.Tests.Outbound;

/// <summary>Putting messages in the outbox as a feature would (in a unit of work) and reading the delivery log as a user does.</summary>
public static class OutboxApi
{
    /// <summary>Enqueues an HTTP POST of <paramref name="body"/> to <paramref name="url"/> and commits it, like a feature's SaveChanges.</summary>
    public static async Task<Guid> EnqueueHttpAsync(this OrchestratorFactory factory, string slug, string url, string body = "{\"hello\":\"world\"}",
        string? tokenSecret = null)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
        var projectId = await db.Projects.Where(p => p.Slug == slug).Select(p => p.Id).SingleAsync();
        var destination = new Uri(url).GetLeftPart(UriPartial.Authority);
        var payload = JsonSerializer.Serialize(new HttpPayload("POST", url, new Dictionary<string, string> { ["X-Test"] = "yes" }, body),
            new JsonSerializerOptions(JsonSerializerDefaults.Web));
        scope.ServiceProvider.GetRequiredService<IOutbox>().Enqueue(new OutboundMessage(projectId, OutboundKinds.Notification, OutboundChannels.Http,
            destination, payload, "test message to " + url)
        {
            Credential = tokenSecret is null ? null : new OutboundCredential(projectId, tokenSecret, "Authorization", "Bearer {0}"),
        });
        await db.SaveChangesAsync();
        return await db.OutboxMessages.Where(m => m.ProjectId == projectId).OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            .Select(m => m.Id).FirstAsync();
    }

    public static async Task<JsonElement> GetDeliveryAsync(this HttpClient client, Guid id)
    {
        using var response = await client.GetAsync($"/api/v1/deliveries/{id}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<List<JsonElement>> ListOutboundAsync(this HttpClient client, string slug, string? state = null) =>
        [.. (await client.ListAsync($"/api/v1/projects/{slug}/deliveries?pageSize=100" + (state is null ? "" : "&state=" + state)))
            .GetProperty("items").EnumerateArray()];

    /// <summary>Polls the delivery until it is in <paramref name="state"/>.</summary>
    public static async Task<JsonElement> WaitForDeliveryAsync(this HttpClient client, Guid id, string state, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var delivery = await client.GetDeliveryAsync(id);
            if (delivery.GetProperty("state").GetString() == state) return delivery;
            if (DateTime.UtcNow > deadline) Assert.Fail($"delivery {id} never became {state}: {delivery}");
            await Task.Delay(50);
        }
    }

    public static async Task SetSecretAsync(this HttpClient client, string slug, string name, string value)
    {
        using var response = await client.PutAsJsonAsync($"/api/v1/projects/{slug}/secrets/{name}", new { value });
        Assert.That(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static IEnumerable<JsonElement> Attempts(this JsonElement delivery) => delivery.GetProperty("attemptLog").EnumerateArray();
}
