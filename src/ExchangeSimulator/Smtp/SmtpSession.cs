using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// One SMTP connection (RFC 5321 with PIPELINING, SIZE, 8BITMIME, SMTPUTF8 and ENHANCEDSTATUSCODES), answered with
/// Exchange's reply texts. Recipients are checked at RCPT TO (550 5.1.10 for an address no mailbox has, 452 beyond
/// <see cref="SmtpListener.MaxRecipients"/>); a message over the size limit is read to its end and discarded
/// (552 5.3.4), never buffered. Nothing a client sends ends the listener: a failed delivery answers 451 and the
/// session goes on.
/// </summary>
internal sealed class SmtpSession(SmtpListener listener, Stream stream, EndPoint? remote, ILogger logger)
{
    private const int MaxCommandLength = 4096;
    private const int MaxBadCommands = 20;
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly SmtpLineReader _reader = new(stream);
    private readonly List<string> _recipients = [];
    private bool _greeted;
    private string? _sender;
    private int _badCommands;

    public async Task RunAsync(CancellationToken stopping)
    {
        await ReplyAsync($"220 {listener.HostName} Microsoft ESMTP MAIL Service ready at {DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture)}", stopping).ConfigureAwait(false);
        while (!stopping.IsCancellationRequested)
        {
            var line = await ReadCommandAsync(stopping).ConfigureAwait(false);
            if (line is null)
            {
                return;
            }

            if (!await ExecuteAsync(line, stopping).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Runs one command; false when the session ends.</summary>
    private async Task<bool> ExecuteAsync(string line, CancellationToken stopping)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
        var argument = space < 0 ? "" : line[(space + 1)..].Trim();
        switch (verb)
        {
            case "EHLO":
                ResetTransaction();
                _greeted = true;
                await ReplyAsync(
                    $"250-{listener.HostName} Hello [{(remote as IPEndPoint)?.Address}]\r\n" +
                    $"250-SIZE {listener.MaxMessageBytes.ToString(CultureInfo.InvariantCulture)}\r\n" +
                    "250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 ENHANCEDSTATUSCODES", stopping).ConfigureAwait(false);
                return true;
            case "HELO":
                ResetTransaction();
                _greeted = true;
                await ReplyAsync($"250 {listener.HostName} Hello [{(remote as IPEndPoint)?.Address}]", stopping).ConfigureAwait(false);
                return true;
            case "MAIL":
                await ReplyAsync(Mail(argument), stopping).ConfigureAwait(false);
                return true;
            case "RCPT":
                await ReplyAsync(Recipient(argument), stopping).ConfigureAwait(false);
                return true;
            case "DATA":
                return await DataAsync(stopping).ConfigureAwait(false);
            case "RSET":
                ResetTransaction();
                await ReplyAsync("250 2.0.0 Resetting", stopping).ConfigureAwait(false);
                return true;
            case "NOOP":
                await ReplyAsync("250 2.0.0 OK", stopping).ConfigureAwait(false);
                return true;
            case "VRFY":
                await ReplyAsync("252 2.1.5 Cannot VRFY user", stopping).ConfigureAwait(false);
                return true;
            case "HELP":
                await ReplyAsync("214-This server supports the following commands:\r\n214 HELO EHLO MAIL RCPT DATA RSET NOOP VRFY HELP QUIT", stopping).ConfigureAwait(false);
                return true;
            case "QUIT":
                await ReplyAsync("221 2.0.0 Service closing transmission channel", stopping).ConfigureAwait(false);
                return false;
            default:
                // STARTTLS, AUTH and BDAT are not offered in EHLO, so clients do not send them.
                await ReplyAsync("500 5.3.3 Unrecognized command", stopping).ConfigureAwait(false);
                return ++_badCommands < MaxBadCommands || await CloseAsync("421 4.7.0 Too many errors on this connection, closing transmission channel", stopping).ConfigureAwait(false);
        }
    }

    private string Mail(string argument)
    {
        if (!_greeted)
        {
            return "503 5.5.2 Send hello first";
        }

        if (_sender is not null)
        {
            return "503 5.5.2 Sender already specified";
        }

        if (!TryParsePath(argument, "FROM:", out var address, out var parameters))
        {
            return "501 5.5.4 Invalid arguments";
        }

        foreach (var parameter in parameters)
        {
            if (parameter.StartsWith("SIZE=", StringComparison.OrdinalIgnoreCase) &&
                long.TryParse(parameter.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var declared) &&
                declared > listener.MaxMessageBytes)
            {
                return "552 5.3.4 Message size exceeds fixed maximum message size";
            }
        }

        _sender = address;
        return "250 2.1.0 Sender OK";
    }

    private string Recipient(string argument)
    {
        if (_sender is null)
        {
            return "503 5.5.2 Need mail command";
        }

        if (!TryParsePath(argument, "TO:", out var address, out _) || address.Length == 0)
        {
            return "501 5.5.4 Invalid arguments";
        }

        if (!listener.HasMailbox(address))
        {
            return "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup";
        }

        if (_recipients.Count >= SmtpListener.MaxRecipients)
        {
            return "452 4.5.3 Too many recipients";
        }

        _recipients.Add(address);
        return "250 2.1.5 Recipient OK";
    }

    private async Task<bool> DataAsync(CancellationToken stopping)
    {
        if (_sender is null)
        {
            await ReplyAsync("503 5.5.2 Need mail command", stopping).ConfigureAwait(false);
            return true;
        }

        if (_recipients.Count == 0)
        {
            await ReplyAsync("503 5.5.2 Need rcpt command", stopping).ConfigureAwait(false);
            return true;
        }

        await ReplyAsync("354 Start mail input; end with <CRLF>.<CRLF>", stopping).ConfigureAwait(false);
        using var message = new MemoryStream();
        var tooLarge = false;
        var atLineStart = true;
        while (true)
        {
            var piece = await ReadAsync(stopping).ConfigureAwait(false);
            if (piece is null)
            {
                return false;
            }

            var bytes = piece.Bytes.AsSpan();
            if (atLineStart && piece.EndsLine && bytes is [(byte)'.'])
            {
                break;
            }

            if (atLineStart && bytes is [(byte)'.', ..])
            {
                bytes = bytes[1..];
            }

            var lineBreak = piece.EndsLine ? (piece.EndedWithCrLf ? 2 : 1) : 0;
            tooLarge |= message.Length + bytes.Length + lineBreak > listener.MaxMessageBytes;
            if (!tooLarge)
            {
                message.Write(bytes);
                message.Write(piece.EndedWithCrLf ? "\r\n"u8 : piece.EndsLine ? "\n"u8 : []);
            }

            atLineStart = piece.EndsLine;
        }

        var recipients = _recipients.ToList();
        ResetTransaction();
        if (tooLarge)
        {
            await ReplyAsync("552 5.3.4 Message size exceeds fixed maximum message size", stopping).ConfigureAwait(false);
            return true;
        }

        await ReplyAsync(listener.Deliver(message.ToArray(), recipients, logger), stopping).ConfigureAwait(false);
        return true;
    }

    /// <summary>Parses "FROM:&lt;address&gt; PARAM=VALUE …" (or TO:); the null reverse path &lt;&gt; is an empty address.</summary>
    private static bool TryParsePath(string argument, string keyword, out string address, out string[] parameters)
    {
        address = "";
        parameters = [];
        if (!argument.StartsWith(keyword, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = argument[keyword.Length..].TrimStart();
        if (rest.StartsWith('<'))
        {
            var close = rest.IndexOf('>', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            address = rest[1..close];
            rest = rest[(close + 1)..];
        }
        else
        {
            var end = rest.IndexOf(' ', StringComparison.Ordinal);
            address = end < 0 ? rest : rest[..end];
            rest = end < 0 ? "" : rest[end..];
        }

        // A source route (<@relay:user@host>) is ignored, as RFC 5321 allows.
        var colon = address.StartsWith('@') ? address.IndexOf(':', StringComparison.Ordinal) : -1;
        address = (colon >= 0 ? address[(colon + 1)..] : address).Trim();
        parameters = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return true;
    }

    private async Task<string?> ReadCommandAsync(CancellationToken stopping)
    {
        var piece = await ReadAsync(stopping).ConfigureAwait(false);
        if (piece is null)
        {
            return null;
        }

        if (!piece.EndsLine || piece.Bytes.Length > MaxCommandLength)
        {
            while (piece is { EndsLine: false })
            {
                piece = await ReadAsync(stopping).ConfigureAwait(false);
            }

            return piece is null ? null : "\0 line too long";
        }

        return Utf8.GetString(piece.Bytes);
    }

    private async Task<LinePiece?> ReadAsync(CancellationToken stopping)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        idle.CancelAfter(IdleTimeout);
        try
        {
            return await _reader.ReadAsync(idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            await CloseAsync("421 4.4.1 Connection timed out", stopping).ConfigureAwait(false);
            return null;
        }
    }

    private async Task<bool> CloseAsync(string reply, CancellationToken stopping)
    {
        await ReplyAsync(reply, stopping).ConfigureAwait(false);
        return false;
    }

    private void ResetTransaction()
    {
        _sender = null;
        _recipients.Clear();
    }

    private Task ReplyAsync(string reply, CancellationToken stopping)
    {
        SimulatorLog.SmtpReply(logger, remote?.ToString() ?? "?", reply);
        return stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"), stopping).AsTask();
    }
}
