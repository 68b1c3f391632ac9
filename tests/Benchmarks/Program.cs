using ExSync.Benchmarks;

// ExSync's benchmarks, run by hand (see the README for the figures and how to read them):
//   dotnet run -c Release --project tests/Benchmarks -- [test-and-enable | incoming | send | webhooks | read] [--database sqlite|postgresql] [options]
//   test-and-enable (default): [--mailboxes 10000] [--warmup 2000] [--latency 20] [--concurrency 32] [--bulk-only] [--progress] [--pause]
//   read: [--duration 10] [--connections 16]
//   webhooks: 10,000 events delivered live, then a 10,000-event backlog drained, to a receiver in this process
//   incoming: backlog of 100 mailboxes × 100 messages, then [--mailboxes 10000] idle mailboxes and delivery latency; [--latency 20] [--concurrency 32]
//   send: 10,000 emails from 100 mailboxes after [--warmup 2000] more (0: a fresh process), then send latency; [--latency 20] [--concurrency 32] [--timeline]
//   --database postgresql needs --postgresql "<connection string with rights to create databases>" (or EXSYNC_BENCH_POSTGRESQL)
//   --api Key=Value passes a setting to the ExSync process
var options = BenchmarkOptions.Parse(args);
return options.Scenario switch
{
    "read" => await ReadBenchmark.RunAsync(options),
    BareEndpoint.Scenario => await BareEndpoint.RunAsync(args),
    "test-and-enable" => await TestAndEnableBenchmark.RunAsync(options),
    "incoming" => await IncomingBenchmark.RunAsync(options),
    "send" => await SendBenchmark.RunAsync(options),
    WebhookBenchmark.Scenario => await WebhookBenchmark.RunAsync(options),
    var unknown => throw new ArgumentException($"Unknown scenario '{unknown}': use test-and-enable, incoming, send, webhooks or read."),
};
