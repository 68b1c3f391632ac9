using System.Globalization;

namespace ExSync.Benchmarks;

/// <summary>Command-line options of the benchmarks.</summary>
/// <param name="WarmUp">What runs before the measured part: mailboxes tested first (test-and-enable), emails sent first (send).</param>
/// <param name="Timeline">send: also print how many emails Exchange accepted in each half second of the run.</param>
internal sealed record BenchmarkOptions(
    string Scenario,
    string Database,
    string? PostgreSqlConnectionString,
    int Mailboxes,
    int WarmUp,
    int LatencyMilliseconds,
    int Concurrency,
    int DurationSeconds,
    int Connections,
    bool BulkOnly,
    bool Progress,
    bool Pause,
    string? Only,
    int IdleWindowSeconds,
    bool Timeline,
    IReadOnlyList<string> ApiSettings)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        int Value(string name, int fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
        }

        string? Text(string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        var scenario = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "test-and-enable";
        var apiSettings = args.Select((arg, i) => (arg, i)).Where(a => a.arg == "--api" && a.i + 1 < args.Length).Select(a => args[a.i + 1]).ToList();
        return new BenchmarkOptions(
            scenario,
            (Text("--database") ?? "sqlite").ToLowerInvariant(),
            Text("--postgresql") ?? Environment.GetEnvironmentVariable("EXSYNC_BENCH_POSTGRESQL"),
            Value("--mailboxes", 10_000),
            Value("--warmup", 2_000),
            Value("--latency", 20),
            Value("--concurrency", 32),
            Value("--duration", 10),
            Value("--connections", 16),
            args.Contains("--bulk-only"),
            args.Contains("--progress"),
            args.Contains("--pause"),
            Text("--only")?.ToLowerInvariant(),
            Value("--idle-window", 90),
            args.Contains("--timeline"),
            apiSettings);
    }

    /// <summary>The settings of the ExSync process under test: quiet logs, its database, and whatever --api adds.</summary>
    public Dictionary<string, string> ApiProcessSettings(BenchmarkDatabase database)
    {
        var settings = new Dictionary<string, string>(database.Settings) { ["Logging:LogLevel:Default"] = "Warning" };
        foreach (var setting in ApiSettings)
        {
            settings[setting.Split('=', 2)[0]] = setting.Split('=', 2)[1];
        }

        return settings;
    }
}
