using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Comet.Orchestrator.Tests.Notifications;

/// <summary>One mail as the sink received it: the envelope and the raw message (headers and body).</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, string Data);

/// <summary>
/// A local SMTP server that accepts every mail and keeps it: enough of RFC 5321 (EHLO, MAIL, RCPT, DATA, RSET, NOOP,
/// QUIT) for a real client such as MailKit, without TLS or login. A test's mail sink, not a relay.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public SmtpSink()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public ConcurrentQueue<ReceivedMail> Mails { get; } = new();

    /// <summary>Set: answer RCPT TO with this reply instead of 250 (e.g. "550 5.1.1 no such user").</summary>
    public string? RefuseRecipientsWith { get; set; }

    public async Task<List<ReceivedMail>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (Mails.Count < count && DateTime.UtcNow < until) await Task.Delay(50);
        return [.. Mails];
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 sink.test ESMTP ready");
        string? from = null;
        var to = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-sink.test");
                    await writer.WriteLineAsync("250 8BITMIME");
                    break;
                case "HELO": await writer.WriteLineAsync("250 sink.test"); break;
                case "MAIL": from = Address(line); to.Clear(); await writer.WriteLineAsync("250 2.1.0 ok"); break;
                case "RCPT":
                    if (RefuseRecipientsWith is { } refusal) { await writer.WriteLineAsync(refusal); break; }
                    to.Add(Address(line));
                    await writer.WriteLineAsync("250 2.1.5 ok");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                        data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                    Mails.Enqueue(new ReceivedMail(from ?? "", [.. to], data.ToString()));
                    await writer.WriteLineAsync("250 2.0.0 queued as sink");
                    break;
                case "QUIT": await writer.WriteLineAsync("221 2.0.0 bye"); return;
                case "RSET" or "NOOP": await writer.WriteLineAsync("250 ok"); break;
                default: await writer.WriteLineAsync("502 5.5.2 not implemented"); break;
            }
        }
    }

    private static string Address(string line)
    {
        var start = line.IndexOf('<');
        var end = line.IndexOf('>');
        return start >= 0 && end > start ? line[(start + 1)..end] : line;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _accepting; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
