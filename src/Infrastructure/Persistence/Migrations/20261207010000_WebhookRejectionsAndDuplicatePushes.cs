using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Comet.Infrastructure.Persistence.Migrations;

/// <summary>
/// Refused webhook deliveries become a count on the project instead of rows, and the delivery that created a run
/// holds the run's "{event} {ref} {sha}" under a unique index, so the same push makes one run.
/// </summary>
[DbContext(typeof(CometDbContext))]
[Migration("20261207010000_WebhookRejectionsAndDuplicatePushes")]
public sealed class WebhookRejectionsAndDuplicatePushes : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<long>("rejected_deliveries", "projects", nullable: false, defaultValue: 0L);
        migrationBuilder.AddColumn<DateTime>("last_rejected_at", "projects", nullable: true);
        migrationBuilder.AddColumn<string>("last_rejection_reason", "projects", maxLength: 512, nullable: true);

        // The rows refused deliveries left behind are folded into the new count, then dropped.
        migrationBuilder.Sql("""
            UPDATE projects SET
                rejected_deliveries = (SELECT COUNT(*) FROM deliveries d WHERE d.project_id = projects.id AND d.outcome = 'rejected'),
                last_rejected_at = (SELECT MAX(d.received_at) FROM deliveries d WHERE d.project_id = projects.id AND d.outcome = 'rejected'),
                last_rejection_reason = (SELECT d.detail FROM deliveries d WHERE d.project_id = projects.id AND d.outcome = 'rejected'
                                         ORDER BY d.received_at DESC LIMIT 1)
            WHERE EXISTS (SELECT 1 FROM deliveries d WHERE d.project_id = projects.id AND d.outcome = 'rejected');
            """);
        migrationBuilder.Sql("DELETE FROM deliveries WHERE outcome = 'rejected';");

        migrationBuilder.AddColumn<string>("trigger_key", "deliveries", maxLength: 400, nullable: true);
        migrationBuilder.CreateIndex("ix_deliveries_project_id_trigger_key", "deliveries", ["project_id", "trigger_key"], unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("ix_deliveries_project_id_trigger_key", "deliveries");
        migrationBuilder.DropColumn("trigger_key", "deliveries");
        migrationBuilder.DropColumn("last_rejection_reason", "projects");
        migrationBuilder.DropColumn("last_rejected_at", "projects");
        migrationBuilder.DropColumn("rejected_deliveries", "projects");
    }
}
