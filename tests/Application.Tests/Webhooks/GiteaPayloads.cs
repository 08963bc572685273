namespace Comet.Application.Tests.Webhooks;

/// <summary>Gitea deliveries shaped like Gitea 1.21's (repository rocketeers/launchpad, ssh on port 2222).</summary>
internal static class GiteaPayloads
{
    public const string HeadSha = "bffeb74224043ba2feb48d137756c8a9331c449a";
    public const string PrHeadSha = "4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70";

    public const string Push = """
        {
          "ref": "refs/heads/develop",
          "before": "28e1879d029cb852e4844d9c718537df08844e03",
          "after": "bffeb74224043ba2feb48d137756c8a9331c449a",
          "compare_url": "https://gitea.example.com/rocketeers/launchpad/compare/28e1879d029cb852e4844d9c718537df08844e03...bffeb74224043ba2feb48d137756c8a9331c449a",
          "commits": [
            {
              "id": "bffeb74224043ba2feb48d137756c8a9331c449a",
              "message": "Webhooks Yay!\n",
              "url": "https://gitea.example.com/rocketeers/launchpad/commit/bffeb74224043ba2feb48d137756c8a9331c449a",
              "author": { "name": "Gitea", "email": "someone@gitea.io", "username": "gitea" },
              "committer": { "name": "Gitea", "email": "someone@gitea.io", "username": "gitea" },
              "verification": null,
              "timestamp": "2024-03-13T13:52:11-04:00",
              "added": ["pad/clamp.go"],
              "removed": [],
              "modified": ["README.md"]
            }
          ],
          "total_commits": 1,
          "head_commit": {
            "id": "bffeb74224043ba2feb48d137756c8a9331c449a",
            "message": "Webhooks Yay!\n",
            "url": "https://gitea.example.com/rocketeers/launchpad/commit/bffeb74224043ba2feb48d137756c8a9331c449a",
            "author": { "name": "Gitea", "email": "someone@gitea.io", "username": "gitea" },
            "committer": { "name": "Gitea", "email": "someone@gitea.io", "username": "gitea" },
            "verification": null,
            "timestamp": "2024-03-13T13:52:11-04:00",
            "added": ["pad/clamp.go"],
            "removed": [],
            "modified": ["README.md"]
          },
          "repository": {
            "id": 140,
            "owner": { "id": 3, "login": "rocketeers", "full_name": "", "email": "", "username": "rocketeers" },
            "name": "launchpad",
            "full_name": "rocketeers/launchpad",
            "description": "",
            "empty": false,
            "private": false,
            "fork": false,
            "template": false,
            "parent": null,
            "mirror": false,
            "size": 334,
            "html_url": "https://gitea.example.com/rocketeers/launchpad",
            "url": "https://gitea.example.com/api/v1/repos/rocketeers/launchpad",
            "ssh_url": "ssh://git@gitea.example.com:2222/rocketeers/launchpad.git",
            "clone_url": "https://gitea.example.com/rocketeers/launchpad.git",
            "original_url": "",
            "website": "",
            "stars_count": 0,
            "forks_count": 1,
            "watchers_count": 1,
            "open_issues_count": 7,
            "default_branch": "main",
            "archived": false,
            "created_at": "2017-02-26T04:29:06-05:00",
            "updated_at": "2017-03-13T13:51:58-04:00"
          },
          "pusher": { "id": 1, "login": "gitea", "full_name": "Gitea", "email": "someone@gitea.io", "username": "gitea" },
          "sender": { "id": 1, "login": "gitea", "full_name": "Gitea", "email": "someone@gitea.io", "username": "gitea" }
        }
        """;

    /// <summary>Gitea sends no push when a branch is deleted, only this.</summary>
    public const string DeleteBranch = """
        {
          "ref": "feature/clamp",
          "ref_type": "branch",
          "pusher_type": "user",
          "repository": {
            "id": 140,
            "name": "launchpad",
            "full_name": "rocketeers/launchpad",
            "html_url": "https://gitea.example.com/rocketeers/launchpad",
            "ssh_url": "ssh://git@gitea.example.com:2222/rocketeers/launchpad.git",
            "clone_url": "https://gitea.example.com/rocketeers/launchpad.git"
          },
          "sender": { "id": 1, "login": "gitea", "username": "gitea" }
        }
        """;

    /// <summary>Pull request #3 from a fork (pilot/launchpad) into rocketeers/launchpad.</summary>
    public const string PullRequestOpened = """
        {
          "action": "opened",
          "number": 3,
          "pull_request": {
            "id": 57,
            "url": "https://gitea.example.com/rocketeers/launchpad/pulls/3",
            "number": 3,
            "user": { "id": 9, "login": "pilot", "username": "pilot" },
            "title": "Clamp the pad",
            "body": "",
            "labels": [],
            "milestone": null,
            "assignee": null,
            "assignees": null,
            "state": "open",
            "is_locked": false,
            "comments": 0,
            "html_url": "https://gitea.example.com/rocketeers/launchpad/pulls/3",
            "diff_url": "https://gitea.example.com/rocketeers/launchpad/pulls/3.diff",
            "patch_url": "https://gitea.example.com/rocketeers/launchpad/pulls/3.patch",
            "mergeable": true,
            "merged": false,
            "merged_at": null,
            "merge_commit_sha": null,
            "merged_by": null,
            "base": {
              "label": "main",
              "ref": "main",
              "sha": "bffeb74224043ba2feb48d137756c8a9331c449a",
              "repo_id": 140,
              "repo": {
                "id": 140,
                "name": "launchpad",
                "full_name": "rocketeers/launchpad",
                "fork": false,
                "html_url": "https://gitea.example.com/rocketeers/launchpad",
                "ssh_url": "ssh://git@gitea.example.com:2222/rocketeers/launchpad.git",
                "clone_url": "https://gitea.example.com/rocketeers/launchpad.git",
                "default_branch": "main"
              }
            },
            "head": {
              "label": "clamp",
              "ref": "clamp",
              "sha": "4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70",
              "repo_id": 188,
              "repo": {
                "id": 188,
                "name": "launchpad",
                "full_name": "pilot/launchpad",
                "fork": true,
                "html_url": "https://gitea.example.com/pilot/launchpad",
                "ssh_url": "ssh://git@gitea.example.com:2222/pilot/launchpad.git",
                "clone_url": "https://gitea.example.com/pilot/launchpad.git",
                "default_branch": "main"
              }
            },
            "merge_base": "bffeb74224043ba2feb48d137756c8a9331c449a",
            "due_date": null,
            "created_at": "2024-03-14T10:00:00Z",
            "updated_at": "2024-03-14T10:00:00Z",
            "closed_at": null
          },
          "requested_reviewer": null,
          "repository": {
            "id": 140,
            "name": "launchpad",
            "full_name": "rocketeers/launchpad",
            "html_url": "https://gitea.example.com/rocketeers/launchpad",
            "url": "https://gitea.example.com/api/v1/repos/rocketeers/launchpad",
            "ssh_url": "ssh://git@gitea.example.com:2222/rocketeers/launchpad.git",
            "clone_url": "https://gitea.example.com/rocketeers/launchpad.git",
            "default_branch": "main"
          },
          "sender": { "id": 9, "login": "pilot", "username": "pilot" },
          "commit_id": "",
          "review": null
        }
        """;
}
