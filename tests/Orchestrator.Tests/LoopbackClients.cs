using System.Net;
using System.Net.Sockets;

namespace Comet.Orchestrator.Tests;

/// <summary>Clients whose connections come from a chosen loopback address (any 127.x is this machine), so a host sees a client other than 127.0.0.1.</summary>
public static class LoopbackClients
{
    public static HttpClient From(Uri baseAddress, string from, bool cookies = false)
    {
        var local = IPAddress.Parse(from);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = cookies,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }
}
