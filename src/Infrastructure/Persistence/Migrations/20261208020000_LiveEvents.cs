using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Comet.Infrastructure.Persistence.Migrations;

/// <summary>
/// The live event log behind GET /api/v1/events: an id that only grows (identity on PostgreSQL, AUTOINCREMENT on
/// SQLite, so no id is reused after a sweep), the type, the project and run it is about, when, and its JSON data.
/// No foreign keys: events are kept for a short window and outlive nothing they would need to cascade with.
/// </summary>
[DbContext(typeof(CometDbContext))]
[Migration("20261208020000_LiveEvents")]
public sealed class LiveEvents : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "live_events",
            columns: table => new
            {
                id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                type = table.Column<string>(maxLength: 32, nullable: false),
                project_id = table.Column<Guid>(nullable: true),
                run_id = table.Column<Guid>(nullable: true),
                created_at = table.Column<DateTime>(nullable: false),
                data = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_live_events", x => x.id));
        migrationBuilder.CreateIndex("ix_live_events_created_at", "live_events", "created_at");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("live_events");
}
