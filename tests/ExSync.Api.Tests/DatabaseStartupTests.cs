using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ExSync.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ExSync.Api.Tests;

/// <summary>
/// A database ExSync cannot use stops it at start, quickly, with one line saying what is wrong — not a crash after a minute and a half
/// of silence, and not a service that starts "ready" and fails every request.
/// </summary>
public sealed class DatabaseStartupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> Misconfigurations => new()
    {
        { "ConnectionStrings:ExSync", "", "the connection string is empty" },
        { "Database:Provider", "Oracle", "use Sqlite (the default) or PostgreSql" },
        { "Database:StartupTimeout", "soon", "is not a duration" },
    };

    [Theory]
    [MemberData(nameof(Misconfigurations))]
    public async Task AnUnusableDatabaseSettingEndsTheProcessWithOneLineNamingIt(string setting, string value, string explanation)
    {
        var directory = Directory.CreateTempSubdirectory("exsync-database-setting-").FullName;

        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(directory, new Dictionary<string, string> { [setting] = value }, Ct);

        Assert.True(exitCode == 1, $"Exit code {exitCode}:{Environment.NewLine}{output}");
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"ExSync cannot start: {setting}: ", line, StringComparison.Ordinal);
        Assert.Contains(explanation, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostgreSqlWithoutAConnectionStringSaysWhatToConfigure()
    {
        var directory = Directory.CreateTempSubdirectory("exsync-no-connection-string-").FullName;

        // ApiProcess names a SQLite file unless told otherwise; an empty value removes it for this start.
        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(
            directory, new Dictionary<string, string> { ["Database:Provider"] = "PostgreSql", ["ConnectionStrings:ExSync"] = "" }, Ct);

        Assert.True(exitCode == 1, $"Exit code {exitCode}:{Environment.NewLine}{output}");
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("ConnectionStrings:ExSync", line, StringComparison.Ordinal);
        Assert.Contains("Host=", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASqliteDatabaseLockedByAnotherProcessIsReportedWithinSeconds()
    {
        var directory = Directory.CreateTempSubdirectory("exsync-locked-").FullName;
        var file = Path.Combine(directory, "exsync.db");

        // Another process (here: this one) holds SQLite's write lock for as long as the test runs.
        await using var holder = new SqliteConnection($"Data Source={file};Pooling=False");
        await holder.OpenAsync(Ct);
        await using (var command = holder.CreateCommand())
        {
            command.CommandText = "CREATE TABLE held (x); BEGIN EXCLUSIVE; INSERT INTO held VALUES (1);";
            await command.ExecuteNonQueryAsync(Ct);
        }

        var elapsed = Stopwatch.StartNew();
        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(directory, new Dictionary<string, string>(), Ct);

        Assert.True(exitCode == 1, $"Exit code {exitCode}:{Environment.NewLine}{output}");
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("is locked by another process", line, StringComparison.Ordinal);
        Assert.Contains(file, line, StringComparison.Ordinal);

        // The lock is waited for five seconds; the rest is the process starting and stopping.
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(30), $"Took {elapsed.Elapsed}.");
    }

    [Fact]
    public async Task AnUnreachablePostgreSqlServerIsWaitedForThenReportedWithItsAddress()
    {
        var directory = Directory.CreateTempSubdirectory("exsync-unreachable-").FullName;
        var port = ClosedPort();

        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(
            directory,
            new Dictionary<string, string>
            {
                ["Database:Provider"] = "PostgreSql",
                ["ConnectionStrings:ExSync"] = $"Host=127.0.0.1;Port={port};Database=exsync;Username=exsync;Timeout=2",
                ["Database:StartupTimeout"] = "00:00:03",
            },
            Ct);

        Assert.True(exitCode == 1, $"Exit code {exitCode}:{Environment.NewLine}{output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines, l => l.StartsWith("ExSync cannot start:", StringComparison.Ordinal));
        Assert.Contains($"PostgreSQL at 127.0.0.1:{port} (database 'exsync') cannot be reached", line, StringComparison.Ordinal);
    }

    /// <summary>A loopback port nothing listens on.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
