using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Comet.Infrastructure.Persistence.Migrations;

/// <summary>
/// Secrets, encrypted at rest: one row per name and scope (instance, project, environment), the key ring's canary, and
/// the runs of pull requests from forks, which get no secrets.
/// </summary>
[DbContext(typeof(CometDbContext))]
[Migration("20261207040000_Secrets")]
public sealed class Secrets : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "secrets",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                project_id = table.Column<Guid>(nullable: true),
                environment = table.Column<string>(maxLength: 100, nullable: true),
                scope_key = table.Column<string>(maxLength: 200, nullable: false),
                name = table.Column<string>(maxLength: 128, nullable: false),
                protected_value = table.Column<string>(nullable: false),
                file = table.Column<bool>(nullable: false),
                allow_forks = table.Column<bool>(nullable: false),
                created_at = table.Column<DateTime>(nullable: false),
                updated_at = table.Column<DateTime>(nullable: false),
                updated_by = table.Column<string>(maxLength: 64, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_secrets", x => x.id);
                table.ForeignKey("fk_secrets_projects", x => x.project_id, "projects", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_secrets_scope_key_name", "secrets", ["scope_key", "name"], unique: true);
        migrationBuilder.CreateIndex("ix_secrets_project_id_name", "secrets", ["project_id", "name"]);

        migrationBuilder.CreateTable(
            name: "secret_key_checks",
            columns: table => new
            {
                id = table.Column<int>(nullable: false),
                protected_canary = table.Column<string>(nullable: false),
                created_at = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_secret_key_checks", x => x.id));

        migrationBuilder.AddColumn<bool>("from_fork", "pipeline_runs", nullable: false, defaultValue: false);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn("from_fork", "pipeline_runs");
        migrationBuilder.DropTable("secret_key_checks");
        migrationBuilder.DropTable("secrets");
    }
}
