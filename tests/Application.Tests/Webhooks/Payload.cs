using System.Text;
using System.Text.Json.Nodes;

namespace Comet.Application.Tests.Webhooks;

/// <summary>Edits a realistic payload in one place, so each test says only what differs from the real delivery.</summary>
internal static class Payload
{
    public static string With(string json, Action<JsonObject> change)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        change(root);
        return root.ToJsonString();
    }

    public static JsonObject Obj(this JsonObject node, string name) => node[name]!.AsObject();

    public static JsonArray Arr(this JsonObject node, string name) => node[name]!.AsArray();

    public static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    /// <summary>A commit object as GitHub, GitLab and Gitea all list them under "commits".</summary>
    public static JsonObject Commit(string id, string message, string[]? added = null, string[]? modified = null, string[]? removed = null) =>
        new()
        {
            ["id"] = id,
            ["message"] = message,
            ["timestamp"] = "2024-05-02T10:15:00+02:00",
            ["author"] = new JsonObject { ["name"] = "Ada Lovelace", ["email"] = "ada@example.com" },
            ["added"] = new JsonArray((added ?? []).Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
            ["modified"] = new JsonArray((modified ?? []).Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
            ["removed"] = new JsonArray((removed ?? []).Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
        };

    /// <summary>A distinct, valid-looking 40-hex sha per index.</summary>
    public static string Sha(int index) => index.ToString("x8").PadLeft(40, 'c');
}
