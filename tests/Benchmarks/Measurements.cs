using System.Diagnostics;
using System.Globalization;

namespace ExSync.Benchmarks;

/// <summary>What the benchmarks read off the processes they measure.</summary>
internal static class Measurements
{
    /// <summary>utime + stime of a process, from /proc (clock ticks of 10 ms on Linux).</summary>
    public static TimeSpan CpuTime(int processId)
    {
        var fields = File.ReadAllText($"/proc/{processId}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>VmHWM: the process's peak resident set (its peak working set), as the kernel counts it.</summary>
    public static long PeakWorkingSetBytes(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return Process.GetProcessById(processId).PeakWorkingSet64;
    }

    /// <summary>VmRSS: the process's resident set now.</summary>
    public static long WorkingSetBytes(int processId) =>
        long.Parse(File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    /// <summary>Stops the run when what it measures did not happen as it should.</summary>
    public static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Benchmark precondition failed: {what}.");
        }
    }

    /// <summary>Prints the figures as a Markdown table (as the README shows them) and whether every target was met; returns the exit code.</summary>
    public static int Report(IReadOnlyList<(string Measure, string Value, string Target, bool Met)> rows)
    {
        Console.WriteLine();
        Console.WriteLine("| Measure | Value | Target |");
        Console.WriteLine("|---|---|---|");
        foreach (var row in rows)
        {
            Console.WriteLine($"| {row.Measure} | {row.Value} | {row.Target} |");
        }

        var met = rows.All(r => r.Met);
        Console.WriteLine(met ? "All targets met." : "Some targets were NOT met.");
        return met ? 0 : 1;
    }
}
