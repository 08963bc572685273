using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Comet.Infrastructure.Persistence.Migrations;

/// <summary>
/// Protection rules per environment (required approvals, allowed branches and tags, self-approval, approval timeout in
/// whole seconds, deploy lock), what each job must pass before it queues (its environment, manual, approval), the
/// approval state it waits in, the deploy-lock key it runs under, and every approval or rejection given. Existing
/// environments get no rules and existing jobs no gates: they behave as before.
/// </summary>
[DbContext(typeof(CometDbContext))]
[Migration("20261208000000_ApprovalsAndProtectedEnvironments")]
public sealed class ApprovalsAndProtectedEnvironments : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<int>("required_approvals", "environments", nullable: false, defaultValue: 0);
        migrationBuilder.AddColumn<string>("branches", "environments", nullable: false, defaultValue: "[]");
        migrationBuilder.AddColumn<string>("tags", "environments", nullable: false, defaultValue: "[]");
        migrationBuilder.AddColumn<bool>("allow_self_approval", "environments", nullable: false, defaultValue: false);
        migrationBuilder.AddColumn<long>("approval_timeout", "environments", nullable: true);
        migrationBuilder.AddColumn<bool>("deploy_lock", "environments", nullable: false, defaultValue: false);
        migrationBuilder.AddColumn<DateTime>("updated_at", "environments", nullable: true);

        migrationBuilder.AddColumn<string>("environment_name", "jobs", maxLength: 64, nullable: true);
        migrationBuilder.AddColumn<bool>("manual", "jobs", nullable: false, defaultValue: false);
        migrationBuilder.AddColumn<bool>("approval_required", "jobs", nullable: false, defaultValue: false);
        migrationBuilder.AddColumn<int>("approvals_required", "jobs", nullable: false, defaultValue: 0);
        migrationBuilder.AddColumn<bool>("self_approval_allowed", "jobs", nullable: false, defaultValue: false);
        migrationBuilder.AddColumn<bool>("approval_by_maintainers", "jobs", nullable: false, defaultValue: false);
        migrationBuilder.AddColumn<DateTime>("approval_deadline", "jobs", nullable: true);
        migrationBuilder.AddColumn<string>("deploy_lock_key", "jobs", maxLength: 120, nullable: true);
        migrationBuilder.CreateIndex("ix_jobs_deploy_lock_key_status", "jobs", ["deploy_lock_key", "status"]);

        migrationBuilder.CreateTable(
            name: "job_approvals",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                job_id = table.Column<Guid>(nullable: false),
                run_id = table.Column<Guid>(nullable: false),
                user_id = table.Column<Guid>(nullable: false),
                username = table.Column<string>(maxLength: 255, nullable: false),
                approved = table.Column<bool>(nullable: false),
                comment = table.Column<string>(maxLength: 2000, nullable: true),
                created_at = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_job_approvals", x => x.id);
                table.ForeignKey("fk_job_approvals_jobs", x => x.job_id, "jobs", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_job_approvals_job_id_user_id", "job_approvals", ["job_id", "user_id"], unique: true);
        migrationBuilder.CreateIndex("ix_job_approvals_run_id", "job_approvals", "run_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("job_approvals");
        migrationBuilder.DropIndex("ix_jobs_deploy_lock_key_status", "jobs");
        foreach (var column in new[] { "environment_name", "manual", "approval_required", "approvals_required", "self_approval_allowed",
                     "approval_by_maintainers", "approval_deadline", "deploy_lock_key" })
            migrationBuilder.DropColumn(column, "jobs");
        foreach (var column in new[] { "required_approvals", "branches", "tags", "allow_self_approval", "approval_timeout", "deploy_lock", "updated_at" })
            migrationBuilder.DropColumn(column, "environments");
    }
}
