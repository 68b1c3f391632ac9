using System.Net.Sockets;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ExSync.ExchangeSimulator.Tests;

/// <summary>Sends mail to a simulator over real loopback SMTP, with MailKit or byte by byte.</summary>
internal static class Mail
{
    /// <summary>Sends with MailKit's SmtpClient; with no recipients, MailKit takes To, Cc and Bcc as the envelope.</summary>
    public static async Task SendAsync(ExchangeSimulatorHost host, MimeMessage message, params MailboxAddress[] recipients)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(host.SmtpHost, host.SmtpPort, SecureSocketOptions.None, TestContext.Current.CancellationToken);
        if (recipients.Length == 0)
        {
            await client.SendAsync(message, TestContext.Current.CancellationToken);
        }
        else
        {
            await client.SendAsync(message, MailboxAddress.Parse("sender@example.org"), recipients, TestContext.Current.CancellationToken);
        }

        await client.DisconnectAsync(quit: true, TestContext.Current.CancellationToken);
    }

    public static MimeMessage Message(string subject, string to = TestScenarios.Alice, string from = "Paula Partner <paula@example.org>", string? text = "Hello.", string? html = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }
}

/// <summary>A raw SMTP conversation: exactly the bytes a test writes, and every reply line.</summary>
internal sealed class RawSmtp : IAsyncDisposable
{
    private readonly TcpClient _client = new();
    private NetworkStream _stream = null!;
    private StreamReader _reader = null!;

    public static async Task<RawSmtp> ConnectAsync(ExchangeSimulatorHost host)
    {
        var smtp = new RawSmtp();
        await smtp._client.ConnectAsync(host.SmtpHost, host.SmtpPort, TestContext.Current.CancellationToken);
        smtp._stream = smtp._client.GetStream();
        smtp._reader = new StreamReader(smtp._stream, Encoding.ASCII);
        var greeting = await smtp.ReadReplyAsync();
        Assert.StartsWith("220 ", greeting, StringComparison.Ordinal);
        return smtp;
    }

    /// <summary>Sends a command line and returns the whole (possibly multi-line) reply.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
        return await ReadReplyAsync();
    }

    public async Task WriteAsync(byte[] bytes) => await _stream.WriteAsync(bytes, TestContext.Current.CancellationToken);

    public async Task<string> ReadReplyAsync()
    {
        var reply = new StringBuilder();
        while (true)
        {
            var line = await _reader.ReadLineAsync(TestContext.Current.CancellationToken) ?? throw new IOException("The server closed the connection.");
            reply.AppendLine(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return reply.ToString().TrimEnd();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
