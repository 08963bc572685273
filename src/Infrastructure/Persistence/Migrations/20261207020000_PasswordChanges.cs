using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Comet.Infrastructure.Persistence.Migrations;

/// <summary>
/// Password changes and resets: the security stamp that ends older access tokens, when the password last changed, and
/// whether an admin reset requires the user to pick a new one. Existing accounts start with no stamp (their tokens
/// carry none) and nothing to change.
/// </summary>
[DbContext(typeof(CometDbContext))]
[Migration("20261207020000_PasswordChanges")]
public sealed class PasswordChanges : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>("security_stamp", "users", maxLength: 32, nullable: true);
        migrationBuilder.AddColumn<DateTime>("password_changed_at", "users", nullable: true);
        migrationBuilder.AddColumn<bool>("must_change_password", "users", nullable: false, defaultValue: false);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn("must_change_password", "users");
        migrationBuilder.DropColumn("password_changed_at", "users");
        migrationBuilder.DropColumn("security_stamp", "users");
    }
}
