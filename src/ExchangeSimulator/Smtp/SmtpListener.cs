using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Plain SMTP on the simulator's listen address: any mail tool can deliver into the simulated mailboxes. Each
/// connection is an <see cref="SmtpSession"/>; a failing session is logged and closed, never the listener.
/// </summary>
/// <remarks>
/// A small RFC 5321 server of its own rather than the SmtpServer package: that package buffers a whole message
/// before the size is checked and closes the connection instead of answering 552, and both matter for hostile mail.
/// </remarks>
internal sealed class SmtpListener : IAsyncDisposable
{
    /// <summary>The default message size limit (Exchange receive connectors default to 36 MB; organisations often allow 35 MB).</summary>
    public const long DefaultMaxMessageBytes = 35L * 1024 * 1024;

    /// <summary>Envelope recipients per message; beyond, RCPT TO answers 452 4.5.3 (RFC 5321 §4.5.3.1.10) and the client sends the rest later.</summary>
    public const int MaxRecipients = 5000;

    private readonly TcpListener _listener;
    private readonly MailDelivery _delivery;
    private readonly SimulatorState _state;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _sessions = new();
    private Task? _acceptLoop;

    public SmtpListener(IPAddress address, int port, long maxMessageBytes, string hostName, MailDelivery delivery, SimulatorState state, ILoggerFactory loggerFactory)
    {
        _listener = new TcpListener(address, port);
        MaxMessageBytes = maxMessageBytes;
        HostName = hostName;
        _delivery = delivery;
        _state = state;
        _logger = loggerFactory.CreateLogger("ExSync.ExchangeSimulator.Smtp");
    }

    public long MaxMessageBytes { get; }

    public string HostName { get; }

    /// <summary>The bound address and port (the actual port when 0 was asked for).</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public void Start()
    {
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public bool HasMailbox(string address) => _state.FindBySmtp(address) is not null;

    /// <summary>Delivers a received message and returns the SMTP reply; a failure is a 451, not an exception.</summary>
    public string Deliver(byte[] mime, IReadOnlyList<string> recipients, ILogger logger)
    {
        try
        {
            var result = _delivery.Deliver(mime, recipients);
            SimulatorLog.SmtpDelivered(logger, mime.Length, string.Join(", ", result.Delivered.Select(item => item.Mailbox)));
            return $"250 2.6.0 Queued mail for delivery to {result.Delivered.Count} mailbox(es)";
        }
        catch (Exception exception)
        {
            SimulatorLog.SmtpSessionFailed(logger, exception, "delivery");
            return "451 4.3.0 Local error in processing; try again later";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        await Task.WhenAll(_sessions.Keys).WaitAsync(TimeSpan.FromSeconds(3)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            var session = Task.Run(() => RunSessionAsync(client));
            _sessions.TryAdd(session, 0);
            _ = session.ContinueWith(finished => _sessions.TryRemove(finished, out _), TaskScheduler.Default);
        }
    }

    private async Task RunSessionAsync(TcpClient client)
    {
        var remote = client.Client.RemoteEndPoint;
        try
        {
            using (client)
            {
                client.NoDelay = true;
                await new SmtpSession(this, client.GetStream(), remote, _logger).RunAsync(_stopping.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            // Whatever a client does (resets, half-closed sockets, garbage), only its own session ends.
            if (!_stopping.IsCancellationRequested)
            {
                SimulatorLog.SmtpSessionFailed(_logger, exception, remote?.ToString() ?? "?");
            }
        }
    }
}
