using Microsoft.Extensions.Logging;

namespace Comet.Hosting.Logging;

public static class CometLogging
{
    /// <summary>Structured logs: JSON lines on the console and in {dataDir}/logs/{name}.log.</summary>
    public static ILoggingBuilder AddCometLogging(this ILoggingBuilder logging, string dataDir, string name)
    {
        logging.ClearProviders();
        logging.AddJsonConsole(o =>
        {
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        logging.AddProvider(new JsonLinesFileLoggerProvider(Path.Combine(dataDir, "logs", name + ".log")));
        return logging;
    }
}
