using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Benchmarks;

/// <summary>
/// The read path: an authenticated GET of a mailbox by id, against the same JSON served by a bare minimal endpoint in a process of its
/// own, in the same run, with wrk. Also an authenticated request that needs no database (a 403) and the liveness probe, to tell the
/// cost of authentication from the cost of the database.
/// </summary>
internal static partial class ReadBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        EnsureWrk();
        Console.WriteLine($"ExSync benchmark, read path on {options.Database}: wrk, {options.Connections} connections, {options.DurationSeconds} s per endpoint, {Environment.ProcessorCount} cores");
        var directory = Directory.CreateTempSubdirectory("exsync-bench-read-").FullName;
        await using var database = await BenchmarkDatabase.CreateAsync(options, directory);
        await using var api = await ApiProcess.StartAsync(directory, options.ApiProcessSettings(database), CancellationToken.None, configuration: "Release");
        using var http = api.CreateClient();
        await new ServerProfilesClient(http).CreateServerProfileAsync(new ServerProfileInput
        {
            Name = "Benchmark Exchange",
            Owner = new ServerProfileOwnerInput { Id = "bench-admin", EmailAddress = "admin@contoso.bench" },
            Authentication = new ServerProfileAuthenticationInput
            {
                Type = ProfileAuthenticationType.Impersonation,
                Impersonation = new ServerProfileImpersonationInput { UserName = "svc-bench@contoso.bench", Password = "Bench-Pa55word!" },
            },
            Incoming = new ServerProfileConnectionInput { ServerLocation = "https://exchange.contoso.bench/EWS/Exchange.asmx" },
            SetAsDefaultForNewMailboxes = true,
        });
        var mailbox = await new MailboxesClient(http).CreateMailboxAsync(new MailboxInput
        {
            Name = "Alice Jones",
            EmailAddress = "alice@contoso.bench",
            Owner = new MailboxOwnerInput { Type = MailboxOwnerType.User, Id = "alice" },
        });
        var path = $"api/v1/mailboxes/{mailbox.Id}";
        var payload = await http.GetByteArrayAsync(path);

        var payloadFile = Path.Combine(directory, "payload.json");
        await File.WriteAllBytesAsync(payloadFile, payload);
        await using var bare = await BareEndpoint.StartAsync(payloadFile);

        var administrator = $"Authorization: Bearer {ApiProcess.Tokens.Create("bench-admin", TestTokens.AllPrivileges)}";
        var unprivileged = $"Authorization: Bearer {ApiProcess.Tokens.Create("bench-reader", [])}";
        var targets = new (string Name, string Url, string? Header)[]
        {
            ("Bare minimal endpoint, same JSON", bare.Url, null),
            ("GET /health/live (anonymous)", new Uri(api.BaseAddress, "health/live").ToString(), null),
            ("Authenticated 403, no database (GET /api/v1/audit-events)", new Uri(api.BaseAddress, "api/v1/audit-events").ToString(), unprivileged),
            ("Authenticated GET /api/v1/mailboxes/{id}", new Uri(api.BaseAddress, path).ToString(), administrator),
        };

        var results = new List<(string Name, WrkResult Result)>();
        foreach (var (name, url, header) in targets)
        {
            // A short unmeasured run first: just-in-time compilation and connection pools are part of starting, not of serving.
            await WrkAsync(url, header, options.Connections, durationSeconds: 3);
            results.Add((name, await WrkAsync(url, header, options.Connections, options.DurationSeconds)));
        }

        Console.WriteLine();
        Console.WriteLine("| Endpoint | Requests/s | p50 | p99 |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (name, result) in results)
        {
            Console.WriteLine($"| {name} | {result.RequestsPerSecond:N0} | {result.P50.TotalMilliseconds:F2} ms | {result.P99.TotalMilliseconds:F2} ms |");
        }

        var ratio = results[3].Result.RequestsPerSecond / results[0].Result.RequestsPerSecond;
        var p99 = results[3].Result.P99;
        Console.WriteLine();
        Console.WriteLine($"| GET by id ÷ bare endpoint | {ratio:F2} | ≥ 0.30 |");
        Console.WriteLine($"| GET by id p99 at {options.Connections} connections | {p99.TotalMilliseconds:F2} ms | ≤ 5 ms |");
        var met = ratio >= 0.3 && p99 <= TimeSpan.FromMilliseconds(5) && results.All(r => r.Result.Errors == 0);
        Console.WriteLine(met ? "All targets met." : "Some targets were NOT met.");
        Directory.Delete(directory, recursive: true);
        return met ? 0 : 1;
    }

    private static void EnsureWrk()
    {
        if (!File.Exists("/usr/bin/wrk") && !File.Exists("/usr/local/bin/wrk"))
        {
            throw new InvalidOperationException("The read benchmark needs wrk: apt-get install wrk.");
        }
    }

    private static async Task<WrkResult> WrkAsync(string url, string? header, int connections, int durationSeconds)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-t2", $"-c{connections}", $"-d{durationSeconds}s", "--latency" })
        {
            start.ArgumentList.Add(argument);
        }

        if (header is not null)
        {
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add(header);
        }

        start.ArgumentList.Add(url);
        using var wrk = Process.Start(start)!;
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        var rate = RequestsPerSecond().Match(output);
        Measurements.Check(wrk.ExitCode == 0 && rate.Success, $"wrk on {url} failed: {output}{await wrk.StandardError.ReadToEndAsync()}");
        var errors = NonSuccess().Match(output) is { Success: true } failed ? int.Parse(failed.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        return new WrkResult(double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture), Percentile(output, "50%"), Percentile(output, "99%"), errors);
    }

    /// <summary>A latency of wrk's distribution ("99%    4.21ms").</summary>
    private static TimeSpan Percentile(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s*{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        Measurements.Check(match.Success, $"wrk printed no {percentile} latency");
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "us" => TimeSpan.FromMicroseconds(value),
            "ms" => TimeSpan.FromMilliseconds(value),
            _ => TimeSpan.FromSeconds(value),
        };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    // wrk counts 4xx answers as "Non-2xx or 3xx responses"; the 403 endpoint is expected to produce them.
    [GeneratedRegex(@"Socket errors: connect (\d+)")]
    private static partial Regex NonSuccess();

    private sealed record WrkResult(double RequestsPerSecond, TimeSpan P50, TimeSpan P99, int Errors);
}
