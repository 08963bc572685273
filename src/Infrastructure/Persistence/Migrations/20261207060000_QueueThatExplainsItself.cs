using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Comet.Infrastructure.Persistence.Migrations;

/// <summary>
/// The queue that explains itself: a job's concurrency group (project-scoped key and limit, indexed with the status
/// so the claim counts a group's running jobs cheaply), why Comet cancelled a run by itself, and each project's
/// auto-cancel setting. Existing projects get the default (non-default branches and pull requests).
/// </summary>
[DbContext(typeof(CometDbContext))]
[Migration("20261207060000_QueueThatExplainsItself")]
public sealed class QueueThatExplainsItself : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>("concurrency_key", "jobs", maxLength: 140, nullable: true);
        migrationBuilder.AddColumn<int>("concurrency_limit", "jobs", nullable: true);
        migrationBuilder.CreateIndex("ix_jobs_concurrency_key_status", "jobs", ["concurrency_key", "status"]);
        migrationBuilder.AddColumn<string>("cancel_reason", "pipeline_runs", nullable: true);
        migrationBuilder.AddColumn<string>("auto_cancel_branches", "projects", maxLength: 16, nullable: false, defaultValue: "non_default");
        migrationBuilder.AddColumn<bool>("auto_cancel_pull_requests", "projects", nullable: false, defaultValue: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn("auto_cancel_pull_requests", "projects");
        migrationBuilder.DropColumn("auto_cancel_branches", "projects");
        migrationBuilder.DropColumn("cancel_reason", "pipeline_runs");
        migrationBuilder.DropIndex("ix_jobs_concurrency_key_status", "jobs");
        migrationBuilder.DropColumn("concurrency_limit", "jobs");
        migrationBuilder.DropColumn("concurrency_key", "jobs");
    }
}
