using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Comet.Infrastructure.Persistence.Migrations;

/// <summary>
/// The outbox (messages that must leave the process, with their lease, retry state and dead-letter reason, and every
/// attempt made) and each project's forge-status setting. Credentials are stored as a secret's name, never a value.
/// </summary>
[DbContext(typeof(CometDbContext))]
[Migration("20261208010000_OutboxAndForgeStatus")]
public sealed class OutboxAndForgeStatus : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "outbox_messages",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                project_id = table.Column<Guid>(nullable: true),
                kind = table.Column<string>(maxLength: 32, nullable: false),
                channel = table.Column<string>(maxLength: 32, nullable: false),
                destination = table.Column<string>(maxLength: 300, nullable: false),
                payload = table.Column<string>(nullable: false),
                summary = table.Column<string>(maxLength: 500, nullable: false),
                source_id = table.Column<Guid>(nullable: true),
                run_id = table.Column<Guid>(nullable: true),
                ordering_key = table.Column<string>(maxLength: 300, nullable: true),
                credential_project_id = table.Column<Guid>(nullable: true),
                credential_secret = table.Column<string>(maxLength: 128, nullable: true),
                credential_header = table.Column<string>(maxLength: 128, nullable: true),
                credential_format = table.Column<string>(maxLength: 128, nullable: true),
                state = table.Column<string>(maxLength: 16, nullable: false),
                attempts = table.Column<int>(nullable: false),
                next_attempt_at = table.Column<DateTime>(nullable: false),
                created_at = table.Column<DateTime>(nullable: false),
                delivered_at = table.Column<DateTime>(nullable: true),
                dead_at = table.Column<DateTime>(nullable: true),
                last_error = table.Column<string>(maxLength: 1000, nullable: true),
                last_status_code = table.Column<int>(nullable: true),
                dead_reason = table.Column<string>(maxLength: 1000, nullable: true),
                lease_owner = table.Column<string>(maxLength: 128, nullable: true),
                lease_expires_at = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_outbox_messages", x => x.id);
                table.ForeignKey("fk_outbox_messages_projects", x => x.project_id, "projects", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_outbox_messages_state_next_attempt_at", "outbox_messages", ["state", "next_attempt_at"]);
        migrationBuilder.CreateIndex("ix_outbox_messages_project_id_created_at", "outbox_messages", ["project_id", "created_at"]);
        migrationBuilder.CreateIndex("ix_outbox_messages_ordering_key_state", "outbox_messages", ["ordering_key", "state"]);

        migrationBuilder.CreateTable(
            name: "outbox_attempts",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                message_id = table.Column<Guid>(nullable: false),
                number = table.Column<int>(nullable: false),
                at = table.Column<DateTime>(nullable: false),
                request = table.Column<string>(maxLength: 1000, nullable: false),
                status_code = table.Column<int>(nullable: true),
                latency_ms = table.Column<long>(nullable: false),
                answer = table.Column<string>(maxLength: 1000, nullable: true),
                result = table.Column<string>(maxLength: 16, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_outbox_attempts", x => x.id);
                table.ForeignKey("fk_outbox_attempts_outbox_messages", x => x.message_id, "outbox_messages", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_outbox_attempts_message_id_number", "outbox_attempts", ["message_id", "number"]);

        migrationBuilder.CreateTable(
            name: "forge_status_settings",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                project_id = table.Column<Guid>(nullable: false),
                api_url = table.Column<string>(maxLength: 300, nullable: true),
                token_secret = table.Column<string>(maxLength: 128, nullable: false),
                per_job = table.Column<bool>(nullable: false),
                repository = table.Column<string>(maxLength: 200, nullable: true),
                updated_by = table.Column<string>(maxLength: 255, nullable: true),
                created_at = table.Column<DateTime>(nullable: false),
                updated_at = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_forge_status_settings", x => x.id);
                table.ForeignKey("fk_forge_status_settings_projects", x => x.project_id, "projects", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_forge_status_settings_project_id", "forge_status_settings", "project_id", unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("forge_status_settings");
        migrationBuilder.DropTable("outbox_attempts");
        migrationBuilder.DropTable("outbox_messages");
    }
}
