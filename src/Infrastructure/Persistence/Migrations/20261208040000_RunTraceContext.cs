using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Comet.Infrastructure.Persistence.Migrations;

/// <summary>
/// Each run keeps the W3C trace context (traceparent) of the request that made it, so the spans of its jobs join that
/// request's trace. Existing runs have none: their jobs start traces of their own.
/// </summary>
[DbContext(typeof(CometDbContext))]
[Migration("20261208040000_RunTraceContext")]
public sealed class RunTraceContext : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>("trace_parent", "pipeline_runs", maxLength: 128, nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn("trace_parent", "pipeline_runs");
}
