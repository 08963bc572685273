namespace Comet.Application.Tests.Webhooks;

/// <summary>GitHub deliveries as github.com sends them (fields trimmed only where they repeat: owner, author).</summary>
internal static class GithubPayloads
{
    public const string HeadSha = "9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4";
    public const string ParentSha = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
    public const string PrHeadSha = "b4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7";

    public const string Push = """
        {
          "ref": "refs/heads/main",
          "before": "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
          "after": "9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4",
          "repository": {
            "id": 786512345,
            "node_id": "R_kgDOLuEq2Q",
            "name": "Rocket",
            "full_name": "Acme/Rocket",
            "private": false,
            "owner": {
              "name": "Acme",
              "email": null,
              "login": "Acme",
              "id": 9919,
              "type": "Organization",
              "site_admin": false
            },
            "html_url": "https://github.com/Acme/Rocket",
            "description": "Launch things",
            "fork": false,
            "url": "https://github.com/Acme/Rocket",
            "created_at": 1712000000,
            "updated_at": "2024-05-01T09:00:00Z",
            "pushed_at": 1714637700,
            "git_url": "git://github.com/Acme/Rocket.git",
            "ssh_url": "git@github.com:Acme/Rocket.git",
            "clone_url": "https://github.com/Acme/Rocket.git",
            "svn_url": "https://github.com/Acme/Rocket",
            "homepage": null,
            "size": 512,
            "default_branch": "main",
            "master_branch": "main",
            "organization": "Acme"
          },
          "pusher": { "name": "ada", "email": "ada@example.com" },
          "organization": { "login": "Acme", "id": 9919 },
          "sender": {
            "login": "ada",
            "id": 583231,
            "node_id": "MDQ6VXNlcjU4MzIzMQ==",
            "type": "User",
            "site_admin": false
          },
          "created": false,
          "deleted": false,
          "forced": false,
          "base_ref": null,
          "compare": "https://github.com/Acme/Rocket/compare/1a2b3c4d5e6f...9f2c1e4b7a3d",
          "commits": [
            {
              "id": "5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081",
              "tree_id": "0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5",
              "distinct": true,
              "message": "Add launch sequence",
              "timestamp": "2024-05-02T10:10:00+02:00",
              "url": "https://github.com/Acme/Rocket/commit/5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081",
              "author": { "name": "Ada Lovelace", "email": "ada@example.com", "username": "ada" },
              "committer": { "name": "Ada Lovelace", "email": "ada@example.com", "username": "ada" },
              "added": ["src/Launch.cs", "docs/launch.md"],
              "removed": [],
              "modified": ["src/Rocket.csproj"]
            },
            {
              "id": "9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4",
              "tree_id": "1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6",
              "distinct": true,
              "message": "Fix countdown off-by-one\n\nThe countdown started at 11.",
              "timestamp": "2024-05-02T10:15:00+02:00",
              "url": "https://github.com/Acme/Rocket/commit/9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4",
              "author": { "name": "Ada Lovelace", "email": "ada@example.com", "username": "ada" },
              "committer": { "name": "GitHub", "email": "noreply@github.com", "username": "web-flow" },
              "added": [],
              "removed": ["docs/old-countdown.md"],
              "modified": ["src/Launch.cs", "src/Countdown.cs"]
            }
          ],
          "head_commit": {
            "id": "9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4",
            "tree_id": "1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6",
            "distinct": true,
            "message": "Fix countdown off-by-one\n\nThe countdown started at 11.",
            "timestamp": "2024-05-02T10:15:00+02:00",
            "url": "https://github.com/Acme/Rocket/commit/9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4",
            "author": { "name": "Ada Lovelace", "email": "ada@example.com", "username": "ada" },
            "committer": { "name": "GitHub", "email": "noreply@github.com", "username": "web-flow" },
            "added": [],
            "removed": ["docs/old-countdown.md"],
            "modified": ["src/Launch.cs", "src/Countdown.cs"]
          }
        }
        """;

    /// <summary>An annotated tag: "after" is the tag object, head_commit the commit it points at.</summary>
    public const string TagPush = """
        {
          "ref": "refs/tags/v1.2.0",
          "before": "0000000000000000000000000000000000000000",
          "after": "7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b",
          "repository": {
            "id": 786512345,
            "name": "Rocket",
            "full_name": "Acme/Rocket",
            "private": false,
            "html_url": "https://github.com/Acme/Rocket",
            "url": "https://github.com/Acme/Rocket",
            "git_url": "git://github.com/Acme/Rocket.git",
            "ssh_url": "git@github.com:Acme/Rocket.git",
            "clone_url": "https://github.com/Acme/Rocket.git",
            "svn_url": "https://github.com/Acme/Rocket",
            "default_branch": "main"
          },
          "pusher": { "name": "ada", "email": "ada@example.com" },
          "sender": { "login": "ada", "id": 583231, "type": "User" },
          "created": true,
          "deleted": false,
          "forced": false,
          "base_ref": "refs/heads/main",
          "compare": "https://github.com/Acme/Rocket/compare/v1.2.0",
          "commits": [],
          "head_commit": {
            "id": "9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4",
            "tree_id": "1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6",
            "distinct": true,
            "message": "Fix countdown off-by-one\n\nThe countdown started at 11.",
            "timestamp": "2024-05-02T10:15:00+02:00",
            "url": "https://github.com/Acme/Rocket/commit/9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4",
            "author": { "name": "Ada Lovelace", "email": "ada@example.com", "username": "ada" },
            "committer": { "name": "GitHub", "email": "noreply@github.com", "username": "web-flow" },
            "added": [],
            "removed": [],
            "modified": ["src/Countdown.cs"]
          }
        }
        """;

    public const string BranchDeleted = """
        {
          "ref": "refs/heads/feature/old-engine",
          "before": "9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4",
          "after": "0000000000000000000000000000000000000000",
          "repository": {
            "id": 786512345,
            "name": "Rocket",
            "full_name": "Acme/Rocket",
            "html_url": "https://github.com/Acme/Rocket",
            "url": "https://github.com/Acme/Rocket",
            "git_url": "git://github.com/Acme/Rocket.git",
            "ssh_url": "git@github.com:Acme/Rocket.git",
            "clone_url": "https://github.com/Acme/Rocket.git",
            "svn_url": "https://github.com/Acme/Rocket"
          },
          "pusher": { "name": "ada", "email": "ada@example.com" },
          "sender": { "login": "ada", "id": 583231, "type": "User" },
          "created": false,
          "deleted": true,
          "forced": false,
          "base_ref": null,
          "compare": "https://github.com/Acme/Rocket/compare/9f2c1e4b7a3d...000000000000",
          "commits": [],
          "head_commit": null
        }
        """;

    /// <summary>The separate "delete" event GitHub sends next to the push with deleted: true.</summary>
    public const string DeleteEvent = """
        {
          "ref": "v0.9.0",
          "ref_type": "tag",
          "pusher_type": "user",
          "repository": {
            "id": 786512345,
            "name": "Rocket",
            "full_name": "Acme/Rocket",
            "html_url": "https://github.com/Acme/Rocket",
            "url": "https://api.github.com/repos/Acme/Rocket",
            "clone_url": "https://github.com/Acme/Rocket.git",
            "ssh_url": "git@github.com:Acme/Rocket.git"
          },
          "sender": { "login": "ada", "id": 583231, "type": "User" }
        }
        """;

    /// <summary>A pull request from a fork (grace/Rocket) into Acme/Rocket. In non-push events repository.url is the API URL.</summary>
    public const string PullRequestOpened = """
        {
          "action": "opened",
          "number": 7,
          "pull_request": {
            "url": "https://api.github.com/repos/Acme/Rocket/pulls/7",
            "id": 1834567890,
            "node_id": "PR_kwDOLuEq2c5tWvXy",
            "html_url": "https://github.com/Acme/Rocket/pull/7",
            "diff_url": "https://github.com/Acme/Rocket/pull/7.diff",
            "number": 7,
            "state": "open",
            "locked": false,
            "title": "Throttle the booster",
            "user": { "login": "grace", "id": 77001, "type": "User" },
            "body": "Keeps the booster under 3g.",
            "created_at": "2024-05-02T11:00:00Z",
            "updated_at": "2024-05-02T11:00:00Z",
            "closed_at": null,
            "merged_at": null,
            "merge_commit_sha": null,
            "draft": false,
            "head": {
              "label": "grace:throttle",
              "ref": "throttle",
              "sha": "b4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7",
              "user": { "login": "grace", "id": 77001, "type": "User" },
              "repo": {
                "id": 799000111,
                "name": "Rocket",
                "full_name": "grace/Rocket",
                "private": false,
                "fork": true,
                "html_url": "https://github.com/grace/Rocket",
                "url": "https://api.github.com/repos/grace/Rocket",
                "git_url": "git://github.com/grace/Rocket.git",
                "ssh_url": "git@github.com:grace/Rocket.git",
                "clone_url": "https://github.com/grace/Rocket.git",
                "svn_url": "https://github.com/grace/Rocket",
                "default_branch": "main"
              }
            },
            "base": {
              "label": "Acme:main",
              "ref": "main",
              "sha": "9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4",
              "user": { "login": "Acme", "id": 9919, "type": "Organization" },
              "repo": {
                "id": 786512345,
                "name": "Rocket",
                "full_name": "Acme/Rocket",
                "private": false,
                "fork": false,
                "html_url": "https://github.com/Acme/Rocket",
                "url": "https://api.github.com/repos/Acme/Rocket",
                "git_url": "git://github.com/Acme/Rocket.git",
                "ssh_url": "git@github.com:Acme/Rocket.git",
                "clone_url": "https://github.com/Acme/Rocket.git",
                "svn_url": "https://github.com/Acme/Rocket",
                "default_branch": "main"
              }
            },
            "author_association": "CONTRIBUTOR",
            "merged": false,
            "mergeable": null,
            "comments": 0,
            "commits": 3,
            "additions": 42,
            "deletions": 7,
            "changed_files": 2
          },
          "repository": {
            "id": 786512345,
            "name": "Rocket",
            "full_name": "Acme/Rocket",
            "private": false,
            "html_url": "https://github.com/Acme/Rocket",
            "url": "https://api.github.com/repos/Acme/Rocket",
            "git_url": "git://github.com/Acme/Rocket.git",
            "ssh_url": "git@github.com:Acme/Rocket.git",
            "clone_url": "https://github.com/Acme/Rocket.git",
            "svn_url": "https://github.com/Acme/Rocket",
            "default_branch": "main"
          },
          "organization": { "login": "Acme", "id": 9919 },
          "sender": { "login": "grace", "id": 77001, "type": "User" }
        }
        """;

    public const string Ping = """
        {
          "zen": "Design for failure.",
          "hook_id": 478123456,
          "hook": {
            "type": "Repository",
            "id": 478123456,
            "name": "web",
            "active": true,
            "events": ["push", "pull_request"],
            "config": {
              "content_type": "json",
              "insecure_ssl": "0",
              "url": "https://ci.acme.test/hooks/github"
            },
            "updated_at": "2024-05-02T09:00:00Z",
            "created_at": "2024-05-02T09:00:00Z",
            "url": "https://api.github.com/repos/Acme/Rocket/hooks/478123456",
            "ping_url": "https://api.github.com/repos/Acme/Rocket/hooks/478123456/pings",
            "last_response": { "code": null, "status": "unused", "message": null }
          },
          "repository": {
            "id": 786512345,
            "name": "Rocket",
            "full_name": "Acme/Rocket",
            "html_url": "https://github.com/Acme/Rocket",
            "url": "https://api.github.com/repos/Acme/Rocket",
            "clone_url": "https://github.com/Acme/Rocket.git",
            "ssh_url": "git@github.com:Acme/Rocket.git"
          },
          "sender": { "login": "ada", "id": 583231, "type": "User" }
        }
        """;

    public const string IssueOpened = """
        {
          "action": "opened",
          "issue": {
            "url": "https://api.github.com/repos/Acme/Rocket/issues/12",
            "number": 12,
            "title": "Countdown too slow",
            "user": { "login": "grace", "id": 77001 },
            "state": "open",
            "body": null
          },
          "repository": {
            "id": 786512345,
            "full_name": "Acme/Rocket",
            "html_url": "https://github.com/Acme/Rocket",
            "clone_url": "https://github.com/Acme/Rocket.git"
          },
          "sender": { "login": "grace", "id": 77001 }
        }
        """;
}
