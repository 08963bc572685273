using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Comet.Domain.Projects;

namespace Comet.Application.Webhooks;

/// <summary>Turns a verified delivery (event header + raw body) into a <see cref="ForgeEvent"/>.</summary>
public static class ForgeEventParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 128 };

    /// <summary>
    /// Events that cannot start a run come back as Ignored with a reason; a body that is not a JSON object, or a
    /// run-starting event without the fields a run needs, throws <see cref="WebhookPayloadException"/>.
    /// </summary>
    public static ForgeEvent Parse(Forge forge, string? eventName, ReadOnlySpan<byte> body)
    {
        using var document = Read(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new WebhookPayloadException($"Webhook payload must be a JSON object, not {Describe(root.ValueKind)}.");

        var name = eventName?.Trim() ?? "";
        return forge switch
        {
            Forge.Github => GithubEvents.Parse(name.ToLowerInvariant(), root),
            Forge.Gitlab => GitlabEvents.Parse(name, root),
            Forge.Gitea or Forge.Generic => GiteaEvents.Parse(name.ToLowerInvariant(), root),
            _ => throw new ArgumentOutOfRangeException(nameof(forge), forge, "Unknown forge."),
        };
    }

    internal static JsonDocument Read(ReadOnlySpan<byte> body)
    {
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        if (body.StartsWith(bom))
            body = body[bom.Length..];
        if (body.Trim(" \t\r\n"u8).IsEmpty)
            throw new WebhookPayloadException("Webhook payload is empty; expected a JSON object.");
        // JsonDocument checks UTF-8 only when a string is read; checking now keeps a bad body a payload error.
        if (!Utf8.IsValid(body))
            throw new WebhookPayloadException("Webhook payload is not valid UTF-8 text.");

        // GitHub and Gitea can be set to post application/x-www-form-urlencoded: payload=<url-encoded JSON>.
        var json = body.StartsWith("payload="u8)
            ? Encoding.UTF8.GetBytes(WebUtility.UrlDecode(Encoding.UTF8.GetString(body["payload=".Length..])))
            : body.ToArray();
        try
        {
            return JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            throw new WebhookPayloadException($"Webhook payload is not valid JSON: {e.Message}");
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
