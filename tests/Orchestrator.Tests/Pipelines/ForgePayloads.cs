using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Comet.Orchestrator.Tests.Pipelines;

/// <summary>
/// Webhook deliveries shaped like the ones GitHub, GitLab and Gitea send (fields as the forges write them, numbers
/// where numbers come, unicode in messages), pointing at a <see cref="TestRepository"/> through its file:// URL.
/// </summary>
public static class ForgePayloads
{
    public const string ZeroSha = "0000000000000000000000000000000000000000";

    private static readonly DateTimeOffset When = new(2026, 3, 14, 15, 9, 26, TimeSpan.FromHours(1));

    public static JsonObject GithubRepository(TestRepository repository, string owner = "acme") => new()
    {
        ["id"] = 734_512_908,
        ["node_id"] = "R_kgDOK8d9zA",
        ["name"] = repository.Name,
        ["full_name"] = $"{owner}/{repository.Name}",
        ["private"] = false,
        ["owner"] = new JsonObject { ["name"] = owner, ["email"] = null, ["login"] = owner, ["id"] = 1_284_431, ["type"] = "Organization" },
        ["html_url"] = $"https://github.com/{owner}/{repository.Name}",
        ["description"] = "Widgets — now with ünïcode",
        ["fork"] = false,
        ["url"] = $"https://github.com/{owner}/{repository.Name}",
        ["created_at"] = 1_700_000_000, // GitHub sends epoch seconds here in push events, ISO strings elsewhere
        ["updated_at"] = "2026-03-14T14:00:00Z",
        ["pushed_at"] = 1_773_497_366,
        ["git_url"] = $"git://github.com/{owner}/{repository.Name}.git",
        ["ssh_url"] = $"git@github.com:{owner}/{repository.Name}.git",
        ["clone_url"] = repository.Url,
        ["svn_url"] = $"https://github.com/{owner}/{repository.Name}",
        ["homepage"] = null,
        ["size"] = 42,
        ["default_branch"] = "main",
        ["master_branch"] = "main",
        ["stargazers"] = 3,
    };

    private static JsonObject Person(string name = "Zoë Müller", string login = "zoe") => new()
    {
        ["name"] = name, ["email"] = $"{login}@example.com", ["username"] = login, ["date"] = When.ToString("o"),
    };

    private static JsonObject GithubSender(string login = "zoe") => new()
    {
        ["login"] = login, ["id"] = 5_551_234, ["node_id"] = "MDQ6VXNlcjU1NTEyMzQ=", ["type"] = "User", ["site_admin"] = false,
    };

    public static JsonObject GithubCommit(TestRepository repository, string sha, string message, params string[] modified) => new()
    {
        ["id"] = sha,
        ["tree_id"] = "9c2c8d5b3d2f4a1e6b7c8d9e0f1a2b3c4d5e6f70",
        ["distinct"] = true,
        ["message"] = message,
        ["timestamp"] = When.ToString("o"),
        ["url"] = $"https://github.com/acme/{repository.Name}/commit/{sha}",
        ["author"] = Person(),
        ["committer"] = Person("GitHub", "web-flow"),
        ["added"] = new JsonArray(),
        ["removed"] = new JsonArray(),
        ["modified"] = new JsonArray(modified.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
    };

    /// <summary>A GitHub push of <paramref name="sha"/> to <paramref name="fullRef"/>; <paramref name="headSha"/> defaults to it.</summary>
    public static JsonObject GithubPush(TestRepository repository, string fullRef, string sha, string message = "Make the widgets spin 🚀",
        string before = "6113728f27ae82c7b1a177c8d03f9e96e0adf246", string? headSha = null)
    {
        var deleted = sha == ZeroSha;
        var head = deleted ? null : GithubCommit(repository, headSha ?? sha, message, ".comet.yml");
        return new JsonObject
        {
            ["ref"] = fullRef,
            ["before"] = before,
            ["after"] = sha,
            ["repository"] = GithubRepository(repository),
            ["pusher"] = new JsonObject { ["name"] = "zoe", ["email"] = "zoe@example.com" },
            ["organization"] = new JsonObject { ["login"] = "acme", ["id"] = 1_284_431 },
            ["sender"] = GithubSender(),
            ["created"] = before == ZeroSha,
            ["deleted"] = deleted,
            ["forced"] = false,
            ["base_ref"] = null,
            ["compare"] = $"https://github.com/acme/{repository.Name}/compare/{before[..12]}...{sha[..12]}",
            ["commits"] = deleted ? new JsonArray() : new JsonArray(head!.DeepClone()),
            ["head_commit"] = head,
        };
    }

    /// <summary>A GitHub pull_request event whose head lives in a fork; the base repository has it under refs/pull/{number}/head.</summary>
    public static JsonObject GithubPullRequestFromFork(TestRepository baseRepository, int number, string headSha, string headBranch,
        string baseSha, string action = "opened")
    {
        var fork = new JsonObject
        {
            ["id"] = 998_877_665,
            ["name"] = baseRepository.Name,
            ["full_name"] = $"stranger/{baseRepository.Name}",
            ["fork"] = true,
            ["owner"] = new JsonObject { ["login"] = "stranger", ["id"] = 42 },
            ["html_url"] = $"https://github.com/stranger/{baseRepository.Name}",
            ["clone_url"] = $"https://github.com/stranger/{baseRepository.Name}.git",
            ["ssh_url"] = $"git@github.com:stranger/{baseRepository.Name}.git",
            ["git_url"] = $"git://github.com/stranger/{baseRepository.Name}.git",
            ["url"] = $"https://api.github.com/repos/stranger/{baseRepository.Name}",
        };
        var baseRepo = GithubRepository(baseRepository);
        baseRepo["created_at"] = "2023-11-14T22:13:20Z";
        baseRepo["pushed_at"] = "2026-03-14T14:09:26Z";
        return new JsonObject
        {
            ["action"] = action,
            ["number"] = number,
            ["pull_request"] = new JsonObject
            {
                ["url"] = $"https://api.github.com/repos/acme/{baseRepository.Name}/pulls/{number}",
                ["id"] = 1_811_223_344,
                ["number"] = number,
                ["state"] = "open",
                ["locked"] = false,
                ["title"] = "Faster wïdgets",
                ["user"] = GithubSender("stranger"),
                ["body"] = null,
                ["draft"] = false,
                ["merged"] = false,
                ["mergeable"] = null,
                ["head"] = new JsonObject
                {
                    ["label"] = $"stranger:{headBranch}", ["ref"] = headBranch, ["sha"] = headSha,
                    ["user"] = GithubSender("stranger"), ["repo"] = fork,
                },
                ["base"] = new JsonObject
                {
                    ["label"] = "acme:main", ["ref"] = "main", ["sha"] = baseSha,
                    ["user"] = GithubSender("acme"), ["repo"] = baseRepo.DeepClone(),
                },
                ["commits"] = 1,
                ["additions"] = 3,
                ["deletions"] = 1,
                ["changed_files"] = 1,
            },
            ["repository"] = baseRepo,
            ["sender"] = GithubSender("stranger"),
        };
    }

    public static JsonObject GithubPing(TestRepository repository) => new()
    {
        ["zen"] = "Design for failure.",
        ["hook_id"] = 480_123_456,
        ["hook"] = new JsonObject
        {
            ["type"] = "Repository", ["id"] = 480_123_456, ["name"] = "web", ["active"] = true,
            ["events"] = new JsonArray("push", "pull_request"),
            ["config"] = new JsonObject { ["content_type"] = "json", ["insecure_ssl"] = "0", ["url"] = "https://ci.example.com/hooks/github" },
        },
        ["repository"] = GithubRepository(repository),
        ["sender"] = GithubSender(),
    };

    public static JsonObject GithubIssueOpened(TestRepository repository) => new()
    {
        ["action"] = "opened",
        ["issue"] = new JsonObject { ["number"] = 12, ["title"] = "Widgets do not spin", ["state"] = "open" },
        ["repository"] = GithubRepository(repository),
        ["sender"] = GithubSender(),
    };

    /// <summary>A GitLab "Push Hook" (numbers for ids, at most 20 commits listed, total_commits_count beside them).</summary>
    public static JsonObject GitlabPush(TestRepository repository, string fullRef, string sha, string message = "Tidy the wïdgets")
    {
        var web = $"https://gitlab.example.com/acme/{repository.Name}";
        return new JsonObject
        {
            ["object_kind"] = "push",
            ["event_name"] = "push",
            ["before"] = "95790bf891e76fee5e1747ab589903a6a1f80f22",
            ["after"] = sha,
            ["ref"] = fullRef,
            ["ref_protected"] = true,
            ["checkout_sha"] = sha,
            ["message"] = null,
            ["user_id"] = 4,
            ["user_name"] = "Zoë Müller",
            ["user_username"] = "zoe",
            ["user_email"] = "",
            ["user_avatar"] = "https://gitlab.example.com/uploads/user/avatar/4/avatar.png",
            ["project_id"] = 15,
            ["project"] = new JsonObject
            {
                ["id"] = 15,
                ["name"] = repository.Name,
                ["description"] = "",
                ["web_url"] = web,
                ["avatar_url"] = null,
                ["git_ssh_url"] = $"git@gitlab.example.com:acme/{repository.Name}.git",
                ["git_http_url"] = repository.Url,
                ["namespace"] = "acme",
                ["visibility_level"] = 0,
                ["path_with_namespace"] = $"acme/{repository.Name}",
                ["default_branch"] = "main",
                ["homepage"] = web,
                ["url"] = $"git@gitlab.example.com:acme/{repository.Name}.git",
                ["ssh_url"] = $"git@gitlab.example.com:acme/{repository.Name}.git",
                ["http_url"] = $"{web}.git",
            },
            ["commits"] = new JsonArray(new JsonObject
            {
                ["id"] = sha,
                ["message"] = message + "\n",
                ["title"] = message,
                ["timestamp"] = When.ToString("o"),
                ["url"] = $"{web}/-/commit/{sha}",
                ["author"] = new JsonObject { ["name"] = "Zoë Müller", ["email"] = "[REDACTED]" },
                ["added"] = new JsonArray(),
                ["modified"] = new JsonArray(".comet.yml"),
                ["removed"] = new JsonArray(),
            }),
            ["total_commits_count"] = 1,
            ["push_options"] = new JsonObject(),
            ["repository"] = new JsonObject
            {
                ["name"] = repository.Name,
                ["url"] = $"git@gitlab.example.com:acme/{repository.Name}.git",
                ["description"] = "",
                ["homepage"] = web,
                ["git_http_url"] = repository.Url,
                ["git_ssh_url"] = $"git@gitlab.example.com:acme/{repository.Name}.git",
                ["visibility_level"] = 0,
            },
        };
    }

    /// <summary>A Gitea push (its ids are numbers, it lists the newest commits and says how many there were).</summary>
    public static JsonObject GiteaPush(TestRepository repository, string fullRef, string sha, string message = "Polish the wïdgets")
    {
        var web = $"https://gitea.example.com/acme/{repository.Name}";
        var user = new JsonObject
        {
            ["id"] = 1, ["login"] = "zoe", ["login_name"] = "", ["full_name"] = "Zoë Müller", ["email"] = "zoe@noreply.gitea.example.com",
            ["username"] = "zoe",
        };
        var commit = new JsonObject
        {
            ["id"] = sha,
            ["message"] = message + "\n",
            ["url"] = $"{web}/commit/{sha}",
            ["author"] = new JsonObject { ["name"] = "Zoë Müller", ["email"] = "zoe@example.com", ["username"] = "zoe" },
            ["committer"] = new JsonObject { ["name"] = "Zoë Müller", ["email"] = "zoe@example.com", ["username"] = "zoe" },
            ["verification"] = null,
            ["timestamp"] = When.ToString("o"),
            ["added"] = new JsonArray(),
            ["removed"] = new JsonArray(),
            ["modified"] = new JsonArray(".comet.yml"),
        };
        return new JsonObject
        {
            ["ref"] = fullRef,
            ["before"] = "0b2e04c2f1a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9",
            ["after"] = sha,
            ["compare_url"] = $"{web}/compare/0b2e04c2f1a5...{sha[..12]}",
            ["commits"] = new JsonArray(commit),
            ["total_commits"] = 1,
            ["head_commit"] = commit.DeepClone(),
            ["repository"] = new JsonObject
            {
                ["id"] = 7,
                ["owner"] = user.DeepClone(),
                ["name"] = repository.Name,
                ["full_name"] = $"acme/{repository.Name}",
                ["private"] = false,
                ["fork"] = false,
                ["html_url"] = web,
                ["ssh_url"] = $"git@gitea.example.com:acme/{repository.Name}.git",
                ["clone_url"] = repository.Url,
                ["original_url"] = "",
                ["default_branch"] = "main",
                ["created_at"] = "2026-01-02T03:04:05+01:00",
            },
            ["pusher"] = user.DeepClone(),
            ["sender"] = user,
        };
    }

    public static string HmacSha256Hex(string secret, byte[] body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>A POST as GitHub sends it: JSON body, event, delivery id and X-Hub-Signature-256 (unless <paramref name="signature"/> says otherwise).</summary>
    public static HttpRequestMessage Github(string path, string eventName, JsonNode payload, string? secret, string? deliveryId = null,
        string? signature = null) =>
        Github(path, eventName, Encoding.UTF8.GetBytes(payload.ToJsonString()), secret, deliveryId, signature);

    public static HttpRequestMessage Github(string path, string eventName, byte[] body, string? secret, string? deliveryId = null,
        string? signature = null)
    {
        var request = Post(path, body);
        request.Headers.UserAgent.ParseAdd("GitHub-Hookshot/7c6bd0a");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", deliveryId ?? Guid.NewGuid().ToString());
        request.Headers.Add("X-GitHub-Hook-ID", "480123456");
        if (secret is not null)
        {
            request.Headers.Add("X-Hub-Signature", "sha1=0000000000000000000000000000000000000000"); // legacy header, ignored
            request.Headers.Add("X-Hub-Signature-256", signature ?? "sha256=" + HmacSha256Hex(secret, body));
        }
        return request;
    }

    public static HttpRequestMessage Gitlab(string path, JsonNode payload, string token, string eventName = "Push Hook")
    {
        var request = Post(path, Encoding.UTF8.GetBytes(payload.ToJsonString()));
        request.Headers.UserAgent.ParseAdd("GitLab/17.9.1");
        request.Headers.Add("X-Gitlab-Event", eventName);
        request.Headers.Add("X-Gitlab-Event-UUID", Guid.NewGuid().ToString());
        request.Headers.Add("X-Gitlab-Instance", "https://gitlab.example.com");
        request.Headers.Add("X-Gitlab-Token", token);
        return request;
    }

    public static HttpRequestMessage Gitea(string path, JsonNode payload, string secret, string eventName = "push")
    {
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        var request = Post(path, body);
        request.Headers.UserAgent.ParseAdd("Go-http-client/1.1");
        request.Headers.Add("X-Gitea-Event", eventName);
        request.Headers.Add("X-Gitea-Event-Type", eventName);
        request.Headers.Add("X-Gitea-Delivery", Guid.NewGuid().ToString());
        request.Headers.Add("X-Gitea-Signature", HmacSha256Hex(secret, body));
        // Gitea sends the Gogs headers too.
        request.Headers.Add("X-Gogs-Event", eventName);
        return request;
    }

    private static HttpRequestMessage Post(string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }
}
