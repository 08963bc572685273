using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Comet.Hosting.Logging;

/// <summary>
/// Writes log entries as JSON lines to one file in the data folder, shaped like the console's JSON
/// formatter so one tool reads both. There is no file logger in the framework and Serilog is not in the mirror.
/// </summary>
public sealed class JsonLinesFileLoggerProvider : ILoggerProvider
{
    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();

    public JsonLinesFileLoggerProvider(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
    }

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose()
    {
        lock (_gate) _writer.Dispose();
    }

    private void Write(string line)
    {
        lock (_gate) _writer.WriteLine(line);
    }

    private sealed class FileLogger(JsonLinesFileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("timestamp", DateTime.UtcNow.ToString("O"));
                json.WriteString("level", logLevel.ToString());
                json.WriteString("category", category);
                if (eventId.Id != 0) json.WriteNumber("eventId", eventId.Id);
                json.WriteString("message", formatter(state, exception));
                if (exception is not null) json.WriteString("exception", exception.ToString());
                if (state is IEnumerable<KeyValuePair<string, object?>> properties)
                {
                    json.WriteStartObject("state");
                    foreach (var (key, value) in properties)
                        json.WriteString(key == "{OriginalFormat}" ? "template" : key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            provider.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
    }
}
