using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Comet.Infrastructure.Persistence.Migrations;

/// <summary>What running pipelines needs: run descriptions, job specs, leases and attempts, webhook deliveries.</summary>
[DbContext(typeof(CometDbContext))]
[Migration("20261122030000_PipelineExecution")]
public sealed class PipelineExecution : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>("branch", "pipeline_runs", maxLength: 255, nullable: true);
        migrationBuilder.AddColumn<string>("tag", "pipeline_runs", maxLength: 255, nullable: true);
        migrationBuilder.AddColumn<string>("commit_message", "pipeline_runs", nullable: true);
        migrationBuilder.AddColumn<string>("variables", "pipeline_runs", nullable: false, defaultValue: "{}");
        migrationBuilder.CreateIndex("ix_pipeline_runs_status", "pipeline_runs", "status");

        migrationBuilder.AddColumn<string>("spec", "jobs", nullable: false, defaultValue: "{}");
        migrationBuilder.AddColumn<int>("max_attempts", "jobs", nullable: false, defaultValue: 1);
        migrationBuilder.AddColumn<int>("position", "jobs", nullable: false, defaultValue: 0);
        migrationBuilder.AddColumn<string>("lease_owner", "jobs", maxLength: 64, nullable: true);
        migrationBuilder.AddColumn<DateTime>("lease_expires_at", "jobs", nullable: true);
        migrationBuilder.AddColumn<string>("error", "jobs", nullable: true);
        migrationBuilder.CreateIndex("ix_jobs_run_id_name_attempt", "jobs", ["run_id", "name", "attempt"], unique: true);
        migrationBuilder.CreateIndex("ix_jobs_status", "jobs", "status");

        migrationBuilder.CreateTable(
            name: "deliveries",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                project_id = table.Column<Guid>(nullable: true),
                forge = table.Column<string>(maxLength: 16, nullable: false),
                delivery_id = table.Column<string>(maxLength: 128, nullable: true),
                idempotency_key = table.Column<string>(maxLength: 256, nullable: true),
                @event = table.Column<string>(name: "event", maxLength: 64, nullable: true),
                received_at = table.Column<DateTime>(nullable: false),
                outcome = table.Column<string>(maxLength: 32, nullable: false),
                detail = table.Column<string>(nullable: true),
                status_code = table.Column<int>(nullable: false),
                response = table.Column<string>(nullable: false),
                run_id = table.Column<Guid>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_deliveries", x => x.id);
                table.ForeignKey("fk_deliveries_projects", x => x.project_id, "projects", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_deliveries_idempotency_key", "deliveries", "idempotency_key", unique: true);
        migrationBuilder.CreateIndex("ix_deliveries_project_id_received_at", "deliveries", ["project_id", "received_at"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("deliveries");
        migrationBuilder.DropIndex("ix_jobs_status", "jobs");
        migrationBuilder.DropIndex("ix_jobs_run_id_name_attempt", "jobs");
        migrationBuilder.DropColumn("error", "jobs");
        migrationBuilder.DropColumn("lease_expires_at", "jobs");
        migrationBuilder.DropColumn("lease_owner", "jobs");
        migrationBuilder.DropColumn("position", "jobs");
        migrationBuilder.DropColumn("max_attempts", "jobs");
        migrationBuilder.DropColumn("spec", "jobs");
        migrationBuilder.DropIndex("ix_pipeline_runs_status", "pipeline_runs");
        migrationBuilder.DropColumn("variables", "pipeline_runs");
        migrationBuilder.DropColumn("commit_message", "pipeline_runs");
        migrationBuilder.DropColumn("tag", "pipeline_runs");
        migrationBuilder.DropColumn("branch", "pipeline_runs");
    }
}
