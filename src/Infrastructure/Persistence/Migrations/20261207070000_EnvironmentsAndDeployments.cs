using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Comet.Infrastructure.Persistence.Migrations;

/// <summary>
/// Environments (one row per project and name, made when a job first names one) and the deployments jobs made to them,
/// plus who caused each run, which a deployment copies. Runs made before this say nobody (null).
/// </summary>
[DbContext(typeof(CometDbContext))]
[Migration("20261207070000_EnvironmentsAndDeployments")]
public sealed class EnvironmentsAndDeployments : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>("triggered_by", "pipeline_runs", maxLength: 200, nullable: true);

        migrationBuilder.CreateTable(
            name: "environments",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                project_id = table.Column<Guid>(nullable: false),
                name = table.Column<string>(maxLength: 64, nullable: false),
                url = table.Column<string>(maxLength: 2048, nullable: true),
                created_at = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_environments", x => x.id);
                table.ForeignKey("fk_environments_projects", x => x.project_id, "projects", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_environments_project_id_name", "environments", ["project_id", "name"], unique: true);

        migrationBuilder.CreateTable(
            name: "deployments",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                environment_id = table.Column<Guid>(nullable: false),
                project_id = table.Column<Guid>(nullable: false),
                run_id = table.Column<Guid>(nullable: false),
                run_number = table.Column<long>(nullable: false),
                job_id = table.Column<Guid>(nullable: false),
                job_name = table.Column<string>(maxLength: 255, nullable: false),
                attempt = table.Column<int>(nullable: false),
                sha = table.Column<string>(maxLength: 64, nullable: false),
                @ref = table.Column<string>(name: "ref", maxLength: 255, nullable: false),
                triggered_by = table.Column<string>(maxLength: 200, nullable: true),
                url = table.Column<string>(maxLength: 2048, nullable: true),
                status = table.Column<string>(maxLength: 16, nullable: false),
                started_at = table.Column<DateTime>(nullable: false),
                finished_at = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_deployments", x => x.id);
                table.ForeignKey("fk_deployments_environments", x => x.environment_id, "environments", "id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("fk_deployments_pipeline_runs", x => x.run_id, "pipeline_runs", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_deployments_environment_id_started_at", "deployments", ["environment_id", "started_at"]);
        migrationBuilder.CreateIndex("ix_deployments_job_id", "deployments", "job_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("deployments");
        migrationBuilder.DropTable("environments");
        migrationBuilder.DropColumn("triggered_by", "pipeline_runs");
    }
}
