using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Comet.Infrastructure.Persistence.Migrations;

/// <summary>Accounts, and the hashes of refresh tokens and personal access tokens.</summary>
[DbContext(typeof(CometDbContext))]
[Migration("20261122060000_Identity")]
public sealed class Identity : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "users",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                username = table.Column<string>(maxLength: 64, nullable: false),
                normalized_username = table.Column<string>(maxLength: 64, nullable: false),
                email = table.Column<string>(maxLength: 256, nullable: true),
                display_name = table.Column<string>(maxLength: 128, nullable: false),
                password_hash = table.Column<string>(maxLength: 256, nullable: true),
                role = table.Column<string>(maxLength: 16, nullable: false),
                created_at = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_users", x => x.id));
        migrationBuilder.CreateIndex("ix_users_normalized_username", "users", "normalized_username", unique: true);

        migrationBuilder.CreateTable(
            name: "refresh_tokens",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                user_id = table.Column<Guid>(nullable: false),
                family_id = table.Column<Guid>(nullable: false),
                token_hash = table.Column<string>(maxLength: 64, nullable: false),
                created_at = table.Column<DateTime>(nullable: false),
                expires_at = table.Column<DateTime>(nullable: false),
                used_at = table.Column<DateTime>(nullable: true),
                revoked_at = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_refresh_tokens", x => x.id);
                table.ForeignKey("fk_refresh_tokens_users", x => x.user_id, "users", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_refresh_tokens_token_hash", "refresh_tokens", "token_hash", unique: true);
        migrationBuilder.CreateIndex("ix_refresh_tokens_family_id", "refresh_tokens", "family_id");

        migrationBuilder.CreateTable(
            name: "personal_access_tokens",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                user_id = table.Column<Guid>(nullable: false),
                name = table.Column<string>(maxLength: 100, nullable: false),
                token_hash = table.Column<string>(maxLength: 64, nullable: false),
                display_prefix = table.Column<string>(maxLength: 16, nullable: false),
                scopes = table.Column<string>(maxLength: 64, nullable: false),
                created_at = table.Column<DateTime>(nullable: false),
                expires_at = table.Column<DateTime>(nullable: true),
                last_used_at = table.Column<DateTime>(nullable: true),
                revoked_at = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_personal_access_tokens", x => x.id);
                table.ForeignKey("fk_personal_access_tokens_users", x => x.user_id, "users", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_personal_access_tokens_token_hash", "personal_access_tokens", "token_hash", unique: true);
        migrationBuilder.CreateIndex("ix_personal_access_tokens_user_id", "personal_access_tokens", "user_id");

        migrationBuilder.CreateTable(
            name: "audit_events",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                action = table.Column<string>(maxLength: 64, nullable: false),
                at = table.Column<DateTime>(nullable: false),
                actor_id = table.Column<Guid>(nullable: true),
                actor_name = table.Column<string>(maxLength: 64, nullable: true),
                target = table.Column<string>(maxLength: 256, nullable: true),
                detail = table.Column<string>(nullable: true),
                client_address = table.Column<string>(maxLength: 64, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_audit_events", x => x.id));
        migrationBuilder.CreateIndex("ix_audit_events_at", "audit_events", "at");
        migrationBuilder.CreateIndex("ix_audit_events_action_at", "audit_events", ["action", "at"]);
        migrationBuilder.CreateIndex("ix_audit_events_actor_id_at", "audit_events", ["actor_id", "at"]);

        migrationBuilder.CreateTable(
            name: "project_members",
            columns: table => new
            {
                project_id = table.Column<Guid>(nullable: false),
                user_id = table.Column<Guid>(nullable: false),
                role = table.Column<string>(maxLength: 16, nullable: false),
                added_at = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_project_members", x => new { x.project_id, x.user_id });
                table.ForeignKey("fk_project_members_projects", x => x.project_id, "projects", "id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("fk_project_members_users", x => x.user_id, "users", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_project_members_user_id", "project_members", "user_id");

        migrationBuilder.CreateTable(
            name: "external_logins",
            columns: table => new
            {
                provider = table.Column<string>(maxLength: 16, nullable: false),
                external_id = table.Column<string>(maxLength: 64, nullable: false),
                user_id = table.Column<Guid>(nullable: false),
                linked_at = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_external_logins", x => new { x.provider, x.external_id });
                table.ForeignKey("fk_external_logins_users", x => x.user_id, "users", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_external_logins_user_id", "external_logins", "user_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("external_logins");
        migrationBuilder.DropTable("project_members");
        migrationBuilder.DropTable("audit_events");
        migrationBuilder.DropTable("personal_access_tokens");
        migrationBuilder.DropTable("refresh_tokens");
        migrationBuilder.DropTable("users");
    }
}
