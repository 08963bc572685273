using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Comet.Infrastructure.Persistence.Migrations;

/// <summary>
/// Notification subscriptions: a project's (project_id) or a person's (user_id, project_id optional), the events and
/// branches they hear, the channel, where it goes, its encrypted credential, templates (one for all events and per event), and whether it is muted.
/// </summary>
[DbContext(typeof(CometDbContext))]
[Migration("20261208030000_NotificationSubscriptions")]
public sealed class NotificationSubscriptions : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "subscriptions",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                project_id = table.Column<Guid>(nullable: true),
                user_id = table.Column<Guid>(nullable: true),
                events = table.Column<string>(nullable: false),
                branches = table.Column<string>(nullable: false),
                channel = table.Column<string>(maxLength: 16, nullable: false),
                target = table.Column<string>(maxLength: 2048, nullable: true),
                protected_secret = table.Column<string>(maxLength: 8192, nullable: true),
                template = table.Column<string>(maxLength: 4000, nullable: true),
                templates = table.Column<string>(nullable: false),
                muted = table.Column<bool>(nullable: false),
                created_by = table.Column<string>(maxLength: 255, nullable: false),
                created_at = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_subscriptions", x => x.id);
                table.ForeignKey("fk_subscriptions_projects", x => x.project_id, "projects", "id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("fk_subscriptions_users", x => x.user_id, "users", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_subscriptions_project_id", "subscriptions", "project_id");
        migrationBuilder.CreateIndex("ix_subscriptions_user_id", "subscriptions", "user_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("subscriptions");
}
