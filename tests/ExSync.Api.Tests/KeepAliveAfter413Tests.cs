using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ExSync.Api.Tests.Infrastructure;

namespace ExSync.Api.Tests;

/// <summary>
/// After refusing an oversized body with 413, ExSync does not read the rest of it, so Kestrel cannot keep the connection: the 413
/// says so (Connection: close), or a client reusing the connection for its next request would find it dropped. Over a real socket to
/// a real process: the test server of WebApplicationFactory has no connections.
/// </summary>
public sealed class KeepAliveAfter413Tests : IAsyncLifetime
{
    private const int BodyLimit = 2000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ApiProcess? api;

    public async ValueTask InitializeAsync()
    {
        var directory = Directory.CreateTempSubdirectory("exsync-keepalive-").FullName;
        api = await ApiProcess.StartAsync(directory, new Dictionary<string, string> { ["Limits:MaxRequestBodyBytes"] = $"{BodyLimit}" }, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (api is not null)
        {
            await api.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AConnectionThatAnswered413IsClosedOrStillUsable(bool chunked)
    {
        var body = Encoding.ASCII.GetBytes($$"""{"name":"{{new string('x', 3 * BodyLimit)}}"}""");
        var token = ApiProcess.Tokens.Create("test-admin", TestTokens.AllPrivileges);

        // The reviewer saw 2 failures in 30 tries: try several times.
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(api!.BaseAddress.Host, api.BaseAddress.Port, Ct);
            var stream = client.GetStream();
            var reader = new HttpResponseReader(stream);

            var framing = chunked ? "Transfer-Encoding: chunked" : $"Content-Length: {body.Length}";
            await WriteAsync(stream, $"POST /api/v1/server-profiles HTTP/1.1\r\nHost: {api.BaseAddress.Authority}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n{framing}\r\n\r\n");
            await stream.WriteAsync(chunked ? Chunked(body) : body, Ct);
            var refused = await reader.ReadAsync(Ct);

            Assert.True(refused.Status == 413, $"Attempt {attempt}: {refused.Status} {refused.Body}");
            if (refused.ClosesConnection)
            {
                Assert.Equal(0, (await reader.ReadAsync(Ct)).Status);
                continue;
            }

            await WriteAsync(stream, $"GET /health/live HTTP/1.1\r\nHost: {api.BaseAddress.Authority}\r\n\r\n");
            var next = await reader.ReadAsync(Ct);
            Assert.True(next.Status == 200, $"Attempt {attempt}: the 413 kept the connection open, but the next request on it got {next.Status} {next.Body}");
        }
    }

    private static byte[] Chunked(byte[] body) =>
        [.. Encoding.ASCII.GetBytes($"{body.Length:X}\r\n"), .. body, .. "\r\n0\r\n\r\n"u8];

    private static Task WriteAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text), Ct).AsTask();

    /// <summary>Reads HTTP/1.1 responses one after the other from a connection; a status of 0 means the server closed it first.</summary>
    private sealed class HttpResponseReader(Stream stream)
    {
        private readonly List<byte> buffered = [];

        public async Task<RawHttpResponse> ReadAsync(CancellationToken cancellationToken)
        {
            string? statusLine;
            try
            {
                statusLine = await ReadLineAsync(cancellationToken);
            }
            catch (IOException exception)
            {
                return new RawHttpResponse(0, new Dictionary<string, string>(), $"connection failed: {exception.Message}");
            }

            if (statusLine is null)
            {
                return new RawHttpResponse(0, new Dictionary<string, string>(), "connection closed by the server");
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var line = await ReadLineAsync(cancellationToken); !string.IsNullOrEmpty(line); line = await ReadLineAsync(cancellationToken))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }

            var body = new List<byte>();
            if (headers.TryGetValue("Content-Length", out var length))
            {
                body.AddRange(await ReadBytesAsync(int.Parse(length, CultureInfo.InvariantCulture), cancellationToken));
            }
            else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                for (var size = ChunkSize(await ReadLineAsync(cancellationToken)); size > 0; size = ChunkSize(await ReadLineAsync(cancellationToken)))
                {
                    body.AddRange(await ReadBytesAsync(size, cancellationToken));
                    await ReadLineAsync(cancellationToken);
                }

                await ReadLineAsync(cancellationToken);
            }

            var status = int.Parse(statusLine.Split(' ')[1], CultureInfo.InvariantCulture);
            return new RawHttpResponse(status, headers, Encoding.UTF8.GetString([.. body]));
        }

        private static int ChunkSize(string? line) => int.Parse(line ?? "0", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

        private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                for (var i = 0; i + 1 < buffered.Count; i++)
                {
                    if (buffered[i] == '\r' && buffered[i + 1] == '\n')
                    {
                        var line = Encoding.ASCII.GetString([.. buffered.Take(i)]);
                        buffered.RemoveRange(0, i + 2);
                        return line;
                    }
                }

                if (!await FillAsync(cancellationToken))
                {
                    return null;
                }
            }
        }

        private async Task<byte[]> ReadBytesAsync(int count, CancellationToken cancellationToken)
        {
            while (buffered.Count < count)
            {
                if (!await FillAsync(cancellationToken))
                {
                    throw new IOException("The connection closed in the middle of a response body.");
                }
            }

            var bytes = buffered.Take(count).ToArray();
            buffered.RemoveRange(0, count);
            return bytes;
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            var chunk = new byte[8192];
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var read = await stream.ReadAsync(chunk, timeout.Token);
            buffered.AddRange(chunk.AsSpan(0, read));
            return read > 0;
        }
    }

    private sealed record RawHttpResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public bool ClosesConnection => Headers.TryGetValue("Connection", out var value) && value.Contains("close", StringComparison.OrdinalIgnoreCase);
    }
}
