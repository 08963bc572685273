using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Comet.Infrastructure.Persistence.Migrations;

/// <summary>Test results per case and suite, coverage per job attempt, artifacts, and the warnings of a job.</summary>
[DbContext(typeof(CometDbContext))]
[Migration("20261122090000_TestReportsAndArtifacts")]
public sealed class TestReportsAndArtifacts : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>("warnings", "jobs", nullable: false, defaultValue: "[]");

        migrationBuilder.CreateTable(
            name: "test_cases",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                project_id = table.Column<Guid>(nullable: false),
                run_id = table.Column<Guid>(nullable: false),
                job_id = table.Column<Guid>(nullable: false),
                job_name = table.Column<string>(maxLength: 255, nullable: false),
                attempt = table.Column<int>(nullable: false),
                test_id = table.Column<string>(maxLength: 16, nullable: false),
                suite = table.Column<string>(maxLength: 1024, nullable: false),
                class_name = table.Column<string>(maxLength: 1024, nullable: true),
                name = table.Column<string>(maxLength: 2048, nullable: false),
                status = table.Column<string>(maxLength: 16, nullable: false),
                file = table.Column<string>(maxLength: 1024, nullable: true),
                duration_ms = table.Column<double>(nullable: true),
                message = table.Column<string>(nullable: true),
                details = table.Column<string>(nullable: true),
                flaky = table.Column<bool>(nullable: false),
                commit_sha = table.Column<string>(maxLength: 64, nullable: true),
                branch = table.Column<string>(maxLength: 255, nullable: true),
                created_at = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_test_cases", x => x.id);
                table.ForeignKey("fk_test_cases_pipeline_runs", x => x.run_id, "pipeline_runs", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_test_cases_run_id", "test_cases", "run_id");
        migrationBuilder.CreateIndex("ix_test_cases_project_id_test_id", "test_cases", ["project_id", "test_id"]);

        migrationBuilder.CreateTable(
            name: "test_suites",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                run_id = table.Column<Guid>(nullable: false),
                job_id = table.Column<Guid>(nullable: false),
                name = table.Column<string>(maxLength: 1024, nullable: false),
                tests = table.Column<int>(nullable: false),
                failures = table.Column<int>(nullable: false),
                errors = table.Column<int>(nullable: false),
                skipped = table.Column<int>(nullable: false),
                duration_ms = table.Column<double>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_test_suites", x => x.id);
                table.ForeignKey("fk_test_suites_pipeline_runs", x => x.run_id, "pipeline_runs", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_test_suites_run_id", "test_suites", "run_id");

        migrationBuilder.CreateTable(
            name: "coverage_reports",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                project_id = table.Column<Guid>(nullable: false),
                run_id = table.Column<Guid>(nullable: false),
                job_id = table.Column<Guid>(nullable: false),
                job_name = table.Column<string>(maxLength: 255, nullable: false),
                attempt = table.Column<int>(nullable: false),
                lines_covered = table.Column<int>(nullable: false),
                lines_valid = table.Column<int>(nullable: false),
                branches_covered = table.Column<int>(nullable: false),
                branches_valid = table.Column<int>(nullable: false),
                files = table.Column<string>(nullable: false),
                branch = table.Column<string>(maxLength: 255, nullable: true),
                commit_sha = table.Column<string>(maxLength: 64, nullable: true),
                created_at = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_coverage_reports", x => x.id);
                table.ForeignKey("fk_coverage_reports_pipeline_runs", x => x.run_id, "pipeline_runs", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_coverage_reports_run_id", "coverage_reports", "run_id");
        migrationBuilder.CreateIndex("ix_coverage_reports_project_id_branch", "coverage_reports", ["project_id", "branch"]);

        migrationBuilder.CreateTable(
            name: "artifacts",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                project_id = table.Column<Guid>(nullable: false),
                run_id = table.Column<Guid>(nullable: false),
                job_id = table.Column<Guid>(nullable: false),
                job_name = table.Column<string>(maxLength: 255, nullable: false),
                attempt = table.Column<int>(nullable: false),
                path = table.Column<string>(maxLength: 1024, nullable: false),
                size = table.Column<long>(nullable: false),
                executable = table.Column<bool>(nullable: false),
                sha256 = table.Column<string>(maxLength: 64, nullable: false),
                created_at = table.Column<DateTime>(nullable: false),
                expires_at = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_artifacts", x => x.id);
                table.ForeignKey("fk_artifacts_pipeline_runs", x => x.run_id, "pipeline_runs", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_artifacts_run_id", "artifacts", "run_id");
        migrationBuilder.CreateIndex("ix_artifacts_sha256", "artifacts", "sha256");
        migrationBuilder.CreateIndex("ix_artifacts_expires_at", "artifacts", "expires_at");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("artifacts");
        migrationBuilder.DropTable("coverage_reports");
        migrationBuilder.DropTable("test_suites");
        migrationBuilder.DropTable("test_cases");
        migrationBuilder.DropColumn("warnings", "jobs");
    }
}
