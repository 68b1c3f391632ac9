using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ExSync.Client;
using Microsoft.Extensions.Time.Testing;

namespace ExSync.Api.Tests;

/// <summary>The generated client's hand-written <see cref="JobsClient.WaitForCompletionAsync"/>, against a stub server and a fake clock.</summary>
public sealed class JobsClientWaitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WaitingHonoursRetryAfterBeforePollingAgain()
    {
        var jobId = Guid.NewGuid();
        var server = new StubJobServer(jobId, ("Running", TimeSpan.FromSeconds(7)), ("Succeeded", null));
        var time = new ObservedFakeTimeProvider();
        var client = new JobsClient(new HttpClient(server) { BaseAddress = new Uri("http://exsync.test/") });

        var waiting = client.WaitForCompletionAsync(jobId, timeProvider: time, cancellationToken: Ct);

        // The client waits on the given clock, as long as the server said.
        Assert.Equal(TimeSpan.FromSeconds(7), await time.Timer(0).WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Single(server.Requests);

        time.Advance(TimeSpan.FromSeconds(6.9));
        await Task.Delay(100, Ct);
        Assert.Single(server.Requests);
        Assert.False(waiting.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(0.1));
        var job = await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(jobId, job.Id);
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, uri => Assert.Equal($"http://exsync.test/api/v1/jobs/{jobId}", uri.ToString()));
    }

    [Fact]
    public async Task AnExplicitPollIntervalOverridesRetryAfter()
    {
        var jobId = Guid.NewGuid();
        var server = new StubJobServer(jobId, ("NotStarted", TimeSpan.FromSeconds(30)), ("Running", TimeSpan.FromSeconds(30)), ("Canceled", null));
        var time = new ObservedFakeTimeProvider();
        var client = new JobsClient(new HttpClient(server) { BaseAddress = new Uri("http://exsync.test/") });

        var waiting = client.WaitForCompletionAsync(jobId, pollInterval: TimeSpan.FromSeconds(2), timeProvider: time, cancellationToken: Ct);

        Assert.Equal(TimeSpan.FromSeconds(2), await time.Timer(0).WaitAsync(TimeSpan.FromSeconds(10), Ct));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(2), await time.Timer(1).WaitAsync(TimeSpan.FromSeconds(10), Ct));
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(JobStatus.Canceled, (await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct)).Status);
        Assert.Equal(3, server.Requests.Count);
    }

    /// <summary>Answers GET /api/v1/jobs/{id} with the given statuses in turn, each with its Retry-After.</summary>
    private sealed class StubJobServer(Guid jobId, params (string Status, TimeSpan? RetryAfter)[] answers) : HttpMessageHandler
    {
        public ConcurrentQueue<Uri> Requests { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request.RequestUri!);
            var (status, retryAfter) = answers[Math.Min(Requests.Count, answers.Length) - 1];
            var finished = status is "Succeeded" or "Canceled" ? "\"2026-01-05T09:00:05Z\"" : "null";
            var body = $$"""
                {"id":"{{jobId}}","kind":"TestAndEnableMailboxes","status":"{{status}}","percentComplete":0,
                 "counts":{"total":1,"succeeded":0,"failed":0,"retryScheduled":0,"skipped":0,"canceled":0},
                 "createdBy":"admin","createdAt":"2026-01-05T09:00:00Z","startedAt":null,"completedAt":{{finished}},
                 "lastUpdatedAt":"2026-01-05T09:00:00Z","cancelRequested":false,"resultsLink":"http://exsync.test/api/v1/jobs/{{jobId}}/results"}
                """;
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (retryAfter is { } delta)
            {
                response.Headers.RetryAfter = new RetryConditionHeaderValue(delta);
            }

            return Task.FromResult(response);
        }
    }

    /// <summary>A fake clock that reports the due time of each timer created on it (Task.Delay creates one).</summary>
    private sealed class ObservedFakeTimeProvider : FakeTimeProvider
    {
        private readonly List<TaskCompletionSource<TimeSpan>> timers = [];
        private int created;

        /// <summary>Completes with the due time of the timer created <paramref name="index"/>-th (from 0), whether or not it exists yet.</summary>
        public Task<TimeSpan> Timer(int index)
        {
            lock (timers)
            {
                return Slot(index).Task;
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            lock (timers)
            {
                Slot(created++).TrySetResult(dueTime);
            }

            return timer;
        }

        private TaskCompletionSource<TimeSpan> Slot(int index)
        {
            while (timers.Count <= index)
            {
                timers.Add(new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            return timers[index];
        }
    }
}
