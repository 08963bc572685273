using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Comet.Infrastructure.Persistence.Migrations;

/// <summary>
/// Written by hand (the EF design-time tools are not in the mirror). No column types are given:
/// each provider picks its own from the CLR type and length, so one migration serves SQLite and
/// PostgreSQL. Column names and lengths must match the entity configurations.
/// </summary>
[DbContext(typeof(CometDbContext))]
[Migration("20261122000000_InitialSchema")]
public sealed class InitialSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "projects",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                name = table.Column<string>(maxLength: 100, nullable: false),
                normalized_name = table.Column<string>(maxLength: 100, nullable: false),
                slug = table.Column<string>(maxLength: 64, nullable: false),
                repo_url = table.Column<string>(maxLength: 2048, nullable: false),
                default_branch = table.Column<string>(maxLength: 255, nullable: false),
                forge = table.Column<string>(maxLength: 16, nullable: false),
                pipeline_file = table.Column<string>(maxLength: 255, nullable: false),
                webhook_secret = table.Column<string>(maxLength: 128, nullable: false),
                created_at = table.Column<DateTime>(nullable: false),
                updated_at = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_projects", x => x.id));
        migrationBuilder.CreateIndex("ix_projects_slug", "projects", "slug", unique: true);
        migrationBuilder.CreateIndex("ix_projects_normalized_name", "projects", "normalized_name", unique: true);

        migrationBuilder.CreateTable(
            name: "pipeline_runs",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                project_id = table.Column<Guid>(nullable: false),
                number = table.Column<long>(nullable: false),
                status = table.Column<string>(maxLength: 32, nullable: false),
                @event = table.Column<string>(name: "event", maxLength: 32, nullable: false),
                @ref = table.Column<string>(name: "ref", maxLength: 255, nullable: false),
                sha = table.Column<string>(maxLength: 64, nullable: true),
                error = table.Column<string>(nullable: true),
                created_at = table.Column<DateTime>(nullable: false),
                started_at = table.Column<DateTime>(nullable: true),
                finished_at = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_pipeline_runs", x => x.id);
                table.ForeignKey("fk_pipeline_runs_projects", x => x.project_id, "projects", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_pipeline_runs_project_id_number", "pipeline_runs", ["project_id", "number"], unique: true);

        migrationBuilder.CreateTable(
            name: "jobs",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                run_id = table.Column<Guid>(nullable: false),
                name = table.Column<string>(maxLength: 255, nullable: false),
                status = table.Column<string>(maxLength: 32, nullable: false),
                needs = table.Column<string>(nullable: false),
                allow_failure = table.Column<bool>(nullable: false),
                attempt = table.Column<int>(nullable: false),
                queued_at = table.Column<DateTime>(nullable: true),
                started_at = table.Column<DateTime>(nullable: true),
                finished_at = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_jobs", x => x.id);
                table.ForeignKey("fk_jobs_pipeline_runs", x => x.run_id, "pipeline_runs", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_jobs_run_id", "jobs", "run_id");

        migrationBuilder.CreateTable(
            name: "steps",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                job_id = table.Column<Guid>(nullable: false),
                index = table.Column<int>(nullable: false),
                name = table.Column<string>(maxLength: 255, nullable: false),
                status = table.Column<string>(maxLength: 32, nullable: false),
                exit_code = table.Column<int>(nullable: true),
                started_at = table.Column<DateTime>(nullable: true),
                finished_at = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_steps", x => x.id);
                table.ForeignKey("fk_steps_jobs", x => x.job_id, "jobs", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_steps_job_id_index", "steps", ["job_id", "index"], unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("steps");
        migrationBuilder.DropTable("jobs");
        migrationBuilder.DropTable("pipeline_runs");
        migrationBuilder.DropTable("projects");
    }
}
