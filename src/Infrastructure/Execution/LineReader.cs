using System.Text;

namespace Comet.Infrastructure.Execution;

/// <summary>
/// Splits a process's output into lines without ever holding more than one bounded line:
/// a line longer than <see cref="MaxLineChars"/> is emitted in pieces.
/// </summary>
internal static class LineReader
{
    public const int MaxLineChars = 16 * 1024;

    /// <param name="onPiece">Takes the pieces of an overlong line that more of the line follows; null: <paramref name="onLine"/> does.</param>
    public static async Task PumpAsync(StreamReader reader, Func<string, ValueTask> onLine, Func<string, ValueTask>? onPiece = null)
    {
        onPiece ??= onLine;
        var buffer = new char[8192];
        var line = new StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory())) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (c == '\n')
                {
                    await onLine(TrimCarriageReturn(line));
                    line.Clear();
                }
                else
                {
                    line.Append(c);
                    if (line.Length >= MaxLineChars)
                    {
                        await onPiece(line.ToString());
                        line.Clear();
                    }
                }
            }
        }
        if (line.Length > 0) await onLine(TrimCarriageReturn(line));
    }

    private static string TrimCarriageReturn(StringBuilder line) =>
        line.Length > 0 && line[^1] == '\r' ? line.ToString(0, line.Length - 1) : line.ToString();
}
