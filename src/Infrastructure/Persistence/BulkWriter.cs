using System.Data.Common;
using System.Text;
using Comet.Application.Common.Interfaces;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Comet.Infrastructure.Persistence;

/// <summary>
/// INSERT statements built from the EF model: the table and column names, and each column's type mapping (so values
/// are converted exactly as EF converts them — enums as words, GUIDs and dates as each provider stores them, JSON
/// columns). One command is prepared and reused with new values: on SQLite one row per statement (binding by name is
/// a linear search there, so wide statements get slower, not faster), on PostgreSQL many rows per statement (one
/// round trip each). About twice as fast as tracked inserts on SQLite (docs/BENCHMARKS.md).
/// </summary>
public sealed class BulkWriter(CometDbContext db, Application.Common.DatabaseWriteGate gate) : IBulkWriter
{
    /// <summary>How long one insert holds the write turn before it commits and lets other writers in.</summary>
    private static readonly TimeSpan TurnLength = TimeSpan.FromMilliseconds(100);

    /// <summary>Parameters per PostgreSQL statement, well below its limit of 65 535.</summary>
    private const int MaxParameters = 2000;

    public async Task InsertAsync<T>(IReadOnlyList<T> rows, CancellationToken cancellationToken) where T : class
    {
        if (rows.Count == 0) return;
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var columns = entity.GetProperties().Select(p => new Column(p.GetColumnName(), p.GetRelationalTypeMapping(), p.GetGetter(), p.IsNullable)).ToList();
        var sql = db.GetService<ISqlGenerationHelper>();
        var head = $"INSERT INTO {sql.DelimitIdentifier(entity.GetTableName()!)} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Name)))}) VALUES ";
        var rowsPerStatement = db.Database.IsSqlite() ? 1 : Math.Max(1, MaxParameters / columns.Count);

        var turn = await gate.EnterAsync(cancellationToken);
        var ownTransaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var slice = System.Diagnostics.Stopwatch.StartNew();
        DbCommand? command = null;
        try
        {
            for (var start = 0; start < rows.Count; start += rowsPerStatement)
            {
                var count = Math.Min(rowsPerStatement, rows.Count - start);
                if (command is null || command.Parameters.Count != count * columns.Count)
                {
                    if (command is not null) await command.DisposeAsync();
                    command = Statement(head, columns, count);
                    // Parsed and planned once by the server, then only executed with new values.
                    if (!db.Database.IsSqlite()) await command.PrepareAsync(cancellationToken);
                }
                for (var r = 0; r < count; r++)
                    for (var c = 0; c < columns.Count; c++)
                        command.Parameters[r * columns.Count + c].Value = columns[c].ProviderValue(rows[start + r]);
                await command.ExecuteNonQueryAsync(cancellationToken);

                // A long insert commits and gives other writers a turn (a lease renewal must never wait long).
                if (ownTransaction is not null && slice.Elapsed > TurnLength && start + count < rows.Count)
                {
                    await ownTransaction.CommitAsync(cancellationToken);
                    await ownTransaction.DisposeAsync();
                    ownTransaction = null;
                    turn.Dispose();
                    turn = await gate.EnterAsync(cancellationToken);
                    ownTransaction = await db.Database.BeginTransactionAsync(cancellationToken);
                    command.Transaction = ownTransaction.GetDbTransaction();
                    slice.Restart();
                }
            }
            if (ownTransaction is not null) await ownTransaction.CommitAsync(cancellationToken);
        }
        finally
        {
            if (command is not null) await command.DisposeAsync();
            if (ownTransaction is not null) await ownTransaction.DisposeAsync();
            turn.Dispose();
        }
    }

    private DbCommand Statement(string head, List<Column> columns, int rowCount)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        var text = new StringBuilder(head);
        for (var r = 0; r < rowCount; r++)
        {
            text.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Count; c++)
            {
                var name = $"@p{r * columns.Count + c}";
                text.Append(c == 0 ? name : ", " + name);
                command.Parameters.Add(columns[c].Mapping.CreateParameter(command, name, null, columns[c].Nullable));
            }
            text.Append(')');
        }
        command.CommandText = text.ToString();
        return command;
    }

    private sealed record Column(string Name, RelationalTypeMapping Mapping, IClrPropertyGetter Getter, bool Nullable)
    {
        public object ProviderValue(object row)
        {
            var value = Getter.GetClrValue(row);
            if (value is not null && Mapping.Converter is { } converter) value = converter.ConvertToProvider(value);
            return value ?? DBNull.Value;
        }
    }
}
