using System.Net.Http.Headers;
using System.Text.Json;

namespace ExSync.Client;

public partial class JobsClient
{
    /// <summary>The wait between polls when the server gives no Retry-After.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Polls a job until it is Succeeded, Failed or Canceled and returns its final status monitor. Between polls it waits as long as the
    /// server's Retry-After header says, unless <paramref name="pollInterval"/> overrides it.
    /// </summary>
    /// <param name="jobId">The job, as returned by the action that started it.</param>
    /// <param name="pollInterval">A fixed wait between polls instead of the server's Retry-After (for example in tests).</param>
    /// <param name="timeProvider">The clock to wait on; the system clock by default.</param>
    /// <param name="cancellationToken">Stops waiting (the job itself goes on; cancel it with <see cref="CancelJobAsync(Guid, CancellationToken)"/>).</param>
    /// <exception cref="ExSyncApiException">The job does not exist, or the server answered with an error.</exception>
    public async Task<Job> WaitForCompletionAsync(Guid jobId, TimeSpan? pollInterval = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        var time = timeProvider ?? TimeProvider.System;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/jobs/{Uri.EscapeDataString(jobId.ToString())}");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                // Let the generated method turn the error into the same typed exception as every other call.
                return await GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var job = await JsonSerializer.DeserializeAsync<Job>(body, JsonSerializerSettings, cancellationToken).ConfigureAwait(false)
                ?? throw new ExSyncApiException("The job's status monitor was empty.", (int)response.StatusCode, null, new Dictionary<string, IEnumerable<string>>(), null);
            if (job.Status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Canceled)
            {
                return job;
            }

            await Task.Delay(pollInterval ?? RetryAfter(response, time) ?? DefaultPollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero,
        _ => null,
    };
}
