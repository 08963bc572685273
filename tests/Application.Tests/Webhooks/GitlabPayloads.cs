using System.Text.Json.Nodes;

namespace Comet.Application.Tests.Webhooks;

/// <summary>GitLab deliveries shaped like gitlab.com's (the project is mygroup/ground-control, id 15).</summary>
internal static class GitlabPayloads
{
    public const string CheckoutSha = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7";
    public const string MergeRequestHeadSha = "c0ffee1d4f094c3e6c9ef40349f7d38b5d27d7ab";

    /// <summary>A push of 25 commits: GitLab lists only 20 and says total_commits_count 25.</summary>
    public static string PushOf25Commits()
    {
        var commits = new JsonArray();
        for (var i = 0; i < 19; i++)
            commits.Add(Payload.Commit(Payload.Sha(i), $"Step {i}", modified: [$"src/step{i}.rb"]));
        commits.Add(Payload.Commit(CheckoutSha, "Finish the steps", added: ["src/done.rb"]));
        return Payload.With(Push, p =>
        {
            p["commits"] = commits;
            p["total_commits_count"] = 25;
        });
    }

    public const string Push = """
        {
          "object_kind": "push",
          "event_name": "push",
          "before": "95790bf891e76fee5e1747ab589903a6a1f80f22",
          "after": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
          "ref": "refs/heads/master",
          "ref_protected": true,
          "checkout_sha": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
          "message": null,
          "user_id": 4,
          "user_name": "John Smith",
          "user_username": "jsmith",
          "user_email": "john@example.com",
          "user_avatar": "https://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=8://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=80",
          "project_id": 15,
          "project": {
            "id": 15,
            "name": "Ground Control",
            "description": "Mission control for the rocket",
            "web_url": "https://gitlab.example.com/mygroup/Ground-Control",
            "avatar_url": null,
            "git_ssh_url": "git@gitlab.example.com:mygroup/Ground-Control.git",
            "git_http_url": "https://gitlab.example.com/mygroup/Ground-Control.git",
            "namespace": "MyGroup",
            "visibility_level": 0,
            "path_with_namespace": "mygroup/Ground-Control",
            "default_branch": "master",
            "ci_config_path": null,
            "homepage": "https://gitlab.example.com/mygroup/Ground-Control",
            "url": "git@gitlab.example.com:mygroup/Ground-Control.git",
            "ssh_url": "git@gitlab.example.com:mygroup/Ground-Control.git",
            "http_url": "https://gitlab.example.com/mygroup/Ground-Control.git"
          },
          "commits": [
            {
              "id": "b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327",
              "message": "Update Catalan translation to e38cb41.\n\nSee https://gitlab.com/gitlab-org/gitlab for more information",
              "title": "Update Catalan translation to e38cb41.",
              "timestamp": "2011-12-12T14:27:31+02:00",
              "url": "https://gitlab.example.com/mygroup/Ground-Control/-/commit/b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327",
              "author": { "name": "Jordi Mallach", "email": "jordi@softcatala.org" },
              "added": ["CHANGELOG"],
              "modified": ["app/controller/application.rb"],
              "removed": []
            },
            {
              "id": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
              "message": "fixed readme",
              "title": "fixed readme",
              "timestamp": "2012-01-03T23:36:29+02:00",
              "url": "https://gitlab.example.com/mygroup/Ground-Control/-/commit/da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
              "author": { "name": "GitLab dev user", "email": "gitlabdev@dv6700.(none)" },
              "added": ["CHANGELOG"],
              "modified": ["README.md"],
              "removed": ["docs/old.md"]
            }
          ],
          "total_commits_count": 2,
          "push_options": {},
          "repository": {
            "name": "Ground Control",
            "url": "git@gitlab.example.com:mygroup/Ground-Control.git",
            "description": "Mission control for the rocket",
            "homepage": "https://gitlab.example.com/mygroup/Ground-Control",
            "git_http_url": "https://gitlab.example.com/mygroup/Ground-Control.git",
            "git_ssh_url": "git@gitlab.example.com:mygroup/Ground-Control.git",
            "visibility_level": 0
          }
        }
        """;

    public const string TagPush = """
        {
          "object_kind": "tag_push",
          "event_name": "tag_push",
          "before": "0000000000000000000000000000000000000000",
          "after": "82b3d5ae55f7080f1e6022629cdb57bfae7cccc7",
          "ref": "refs/tags/v1.0.0",
          "ref_protected": true,
          "checkout_sha": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
          "message": "Tag message",
          "user_id": 1,
          "user_name": "John Smith",
          "user_username": "jsmith",
          "user_avatar": "https://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=8://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=80",
          "project_id": 15,
          "project": {
            "id": 15,
            "name": "Ground Control",
            "description": "",
            "web_url": "https://gitlab.example.com/mygroup/Ground-Control",
            "avatar_url": null,
            "git_ssh_url": "git@gitlab.example.com:mygroup/Ground-Control.git",
            "git_http_url": "https://gitlab.example.com/mygroup/Ground-Control.git",
            "namespace": "MyGroup",
            "visibility_level": 0,
            "path_with_namespace": "mygroup/Ground-Control",
            "default_branch": "master",
            "homepage": "https://gitlab.example.com/mygroup/Ground-Control",
            "url": "git@gitlab.example.com:mygroup/Ground-Control.git",
            "ssh_url": "git@gitlab.example.com:mygroup/Ground-Control.git",
            "http_url": "https://gitlab.example.com/mygroup/Ground-Control.git"
          },
          "commits": [],
          "total_commits_count": 0,
          "push_options": {},
          "repository": {
            "name": "Ground Control",
            "url": "git@gitlab.example.com:mygroup/Ground-Control.git",
            "description": "",
            "homepage": "https://gitlab.example.com/mygroup/Ground-Control",
            "git_http_url": "https://gitlab.example.com/mygroup/Ground-Control.git",
            "git_ssh_url": "git@gitlab.example.com:mygroup/Ground-Control.git",
            "visibility_level": 0
          }
        }
        """;

    /// <summary>
    /// Merge request !12 from a fork (source_project_id 27, contributor/ground-control) into mygroup/Ground-Control (15).
    /// "update" with oldrev: new commits were pushed.
    /// </summary>
    public const string MergeRequestUpdate = """
        {
          "object_kind": "merge_request",
          "event_type": "merge_request",
          "user": {
            "id": 1,
            "name": "Administrator",
            "username": "root",
            "avatar_url": "http://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=40&d=identicon",
            "email": "admin@example.com"
          },
          "project": {
            "id": 15,
            "name": "Ground Control",
            "description": "",
            "web_url": "https://gitlab.example.com/mygroup/Ground-Control",
            "avatar_url": null,
            "git_ssh_url": "git@gitlab.example.com:mygroup/Ground-Control.git",
            "git_http_url": "https://gitlab.example.com/mygroup/Ground-Control.git",
            "namespace": "MyGroup",
            "visibility_level": 0,
            "path_with_namespace": "mygroup/Ground-Control",
            "default_branch": "master",
            "ci_config_path": "",
            "homepage": "https://gitlab.example.com/mygroup/Ground-Control",
            "url": "git@gitlab.example.com:mygroup/Ground-Control.git",
            "ssh_url": "git@gitlab.example.com:mygroup/Ground-Control.git",
            "http_url": "https://gitlab.example.com/mygroup/Ground-Control.git"
          },
          "repository": {
            "name": "Ground Control",
            "url": "git@gitlab.example.com:mygroup/Ground-Control.git",
            "description": "",
            "homepage": "https://gitlab.example.com/mygroup/Ground-Control"
          },
          "object_attributes": {
            "assignee_id": null,
            "author_id": 51,
            "created_at": "2013-12-03T17:23:34Z",
            "description": "Lets the ground see the booster's telemetry.",
            "draft": false,
            "head_pipeline_id": null,
            "id": 99,
            "iid": 12,
            "last_edited_at": null,
            "last_edited_by_id": null,
            "merge_commit_sha": null,
            "merge_error": null,
            "merge_params": { "force_remove_source_branch": "0" },
            "merge_status": "unchecked",
            "merge_user_id": null,
            "merge_when_pipeline_succeeds": false,
            "milestone_id": null,
            "source_branch": "telemetry",
            "source_project_id": 27,
            "state_id": 1,
            "target_branch": "master",
            "target_project_id": 15,
            "time_estimate": 0,
            "title": "Booster telemetry",
            "updated_at": "2013-12-03T17:23:34Z",
            "updated_by_id": 1,
            "url": "https://gitlab.example.com/mygroup/Ground-Control/-/merge_requests/12",
            "source": {
              "id": 27,
              "name": "ground-control",
              "description": "",
              "web_url": "https://gitlab.example.com/contributor/ground-control",
              "avatar_url": null,
              "git_ssh_url": "git@gitlab.example.com:contributor/ground-control.git",
              "git_http_url": "https://gitlab.example.com/contributor/ground-control.git",
              "namespace": "contributor",
              "visibility_level": 20,
              "path_with_namespace": "contributor/ground-control",
              "default_branch": "master",
              "homepage": "https://gitlab.example.com/contributor/ground-control",
              "url": "git@gitlab.example.com:contributor/ground-control.git",
              "ssh_url": "git@gitlab.example.com:contributor/ground-control.git",
              "http_url": "https://gitlab.example.com/contributor/ground-control.git"
            },
            "target": {
              "id": 15,
              "name": "Ground Control",
              "description": "",
              "web_url": "https://gitlab.example.com/mygroup/Ground-Control",
              "avatar_url": null,
              "git_ssh_url": "git@gitlab.example.com:mygroup/Ground-Control.git",
              "git_http_url": "https://gitlab.example.com/mygroup/Ground-Control.git",
              "namespace": "MyGroup",
              "visibility_level": 0,
              "path_with_namespace": "mygroup/Ground-Control",
              "default_branch": "master",
              "homepage": "https://gitlab.example.com/mygroup/Ground-Control",
              "url": "git@gitlab.example.com:mygroup/Ground-Control.git",
              "ssh_url": "git@gitlab.example.com:mygroup/Ground-Control.git",
              "http_url": "https://gitlab.example.com/mygroup/Ground-Control.git"
            },
            "last_commit": {
              "id": "c0ffee1d4f094c3e6c9ef40349f7d38b5d27d7ab",
              "message": "Stream telemetry over UDP\n",
              "title": "Stream telemetry over UDP",
              "timestamp": "2013-12-03T17:20:00+01:00",
              "url": "https://gitlab.example.com/contributor/ground-control/-/commit/c0ffee1d4f094c3e6c9ef40349f7d38b5d27d7ab",
              "author": { "name": "Grace Hopper", "email": "grace@example.com" }
            },
            "work_in_progress": false,
            "total_time_spent": 0,
            "time_change": 0,
            "human_total_time_spent": null,
            "human_time_change": null,
            "human_time_estimate": null,
            "assignee_ids": [],
            "reviewer_ids": [],
            "labels": [],
            "state": "opened",
            "blocking_discussions_resolved": true,
            "first_contribution": true,
            "detailed_merge_status": "checking",
            "oldrev": "95790bf891e76fee5e1747ab589903a6a1f80f22",
            "action": "update"
          },
          "labels": [],
          "changes": {
            "updated_at": { "previous": "2013-12-03T17:15:00Z", "current": "2013-12-03T17:23:34Z" }
          },
          "assignees": [],
          "reviewers": []
        }
        """;

    public const string NoteHook = """
        {
          "object_kind": "note",
          "event_type": "note",
          "user": { "id": 1, "name": "Administrator", "username": "root" },
          "project_id": 15,
          "project": {
            "id": 15,
            "web_url": "https://gitlab.example.com/mygroup/Ground-Control",
            "git_http_url": "https://gitlab.example.com/mygroup/Ground-Control.git"
          },
          "object_attributes": { "id": 1243, "note": "Looks good", "noteable_type": "MergeRequest" }
        }
        """;
}
