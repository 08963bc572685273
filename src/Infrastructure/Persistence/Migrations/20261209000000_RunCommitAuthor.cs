using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Comet.Infrastructure.Persistence.Migrations;

/// <summary>
/// Each run keeps the name of its commit's author, for run lists. Existing runs have none (null): their payloads are
/// not kept, and reading every old commit back from the mirrors at upgrade would make the upgrade as slow as the history.
/// The run lists' keyset paging needs no new index: (project_id, number) has been unique since the first schema.
/// </summary>
[DbContext(typeof(CometDbContext))]
[Migration("20261209000000_RunCommitAuthor")]
public sealed class RunCommitAuthor : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>("commit_author", "pipeline_runs", maxLength: 200, nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn("commit_author", "pipeline_runs");
}
