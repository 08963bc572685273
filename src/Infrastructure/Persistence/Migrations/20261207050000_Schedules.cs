using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Comet.Infrastructure.Persistence.Migrations;

/// <summary>
/// Schedules (cron in a time zone, a branch, variables), the slots they fired — one row per schedule and fire time,
/// whose primary key is what lets one orchestrator of several claim a slot — and, on a cron run, the schedule that
/// made it. The run keeps the schedule's id without a foreign key: deleting a schedule leaves its runs as they were.
/// </summary>
[DbContext(typeof(CometDbContext))]
[Migration("20261207050000_Schedules")]
public sealed class Schedules : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "schedules",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                project_id = table.Column<Guid>(nullable: false),
                name = table.Column<string>(maxLength: 100, nullable: false),
                cron = table.Column<string>(maxLength: 120, nullable: false),
                time_zone = table.Column<string>(maxLength: 64, nullable: false),
                branch = table.Column<string>(maxLength: 255, nullable: false),
                variables = table.Column<string>(nullable: false),
                enabled = table.Column<bool>(nullable: false),
                created_by = table.Column<Guid>(nullable: true),
                created_at = table.Column<DateTime>(nullable: false),
                updated_at = table.Column<DateTime>(nullable: false),
                covered_until = table.Column<DateTime>(nullable: false),
                last_slot_at = table.Column<DateTime>(nullable: true),
                last_fired_at = table.Column<DateTime>(nullable: true),
                last_run_id = table.Column<Guid>(nullable: true),
                last_outcome = table.Column<string>(maxLength: 32, nullable: true),
                last_outcome_detail = table.Column<string>(maxLength: 1024, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_schedules", x => x.id);
                table.ForeignKey("fk_schedules_projects", x => x.project_id, "projects", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_schedules_project_id_name", "schedules", ["project_id", "name"], unique: true);
        migrationBuilder.CreateIndex("ix_schedules_enabled", "schedules", "enabled");

        migrationBuilder.CreateTable(
            name: "schedule_slots",
            columns: table => new
            {
                schedule_id = table.Column<Guid>(nullable: false),
                slot_at = table.Column<DateTime>(nullable: false),
                claimed_by = table.Column<string>(maxLength: 128, nullable: false),
                claimed_at = table.Column<DateTime>(nullable: false),
                run_id = table.Column<Guid>(nullable: true),
                outcome = table.Column<string>(maxLength: 32, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_schedule_slots", x => new { x.schedule_id, x.slot_at });
                table.ForeignKey("fk_schedule_slots_schedules", x => x.schedule_id, "schedules", "id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.AddColumn<Guid>("schedule_id", "pipeline_runs", nullable: true);
        migrationBuilder.AddColumn<string>("schedule_name", "pipeline_runs", maxLength: 100, nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn("schedule_name", "pipeline_runs");
        migrationBuilder.DropColumn("schedule_id", "pipeline_runs");
        migrationBuilder.DropTable("schedule_slots");
        migrationBuilder.DropTable("schedules");
    }
}
