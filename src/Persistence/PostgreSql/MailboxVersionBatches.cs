using Npgsql;

namespace ExSync.Persistence.PostgreSql;

/// <summary>
/// Answers the revision checks of concurrent GETs with one query per round trip instead of one per request. On PostgreSQL each check
/// is a round trip to a server process, and the server's CPU per statement, not the query, was what held GET by id to a sixth of a bare
/// endpoint on a two-core machine. Checks wait while a batch is in flight and go together in the next; a batch is always read after
/// every check in it was asked, so a check never answers with a revision older than what was committed when it was asked.
/// </summary>
internal sealed class MailboxVersionBatches(string connectionString)
{
    // Large enough that a burst goes in a few batches; small enough that one statement's array stays cheap to send and plan.
    private const int MaximumBatch = 256;

    private readonly Lock gate = new();
    private List<PendingCheck> waiting = [];
    private bool reading;

    public Task<MailboxVersion?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var check = new PendingCheck(id);
        bool startReading;
        lock (gate)
        {
            waiting.Add(check);
            startReading = !reading;
            reading = true;
        }

        if (startReading)
        {
            // Not awaited: the reader serves every caller that joins while it runs, and stops when the queue is empty.
            _ = ReadWhileWaitingAsync();
        }

        return check.Result.Task.WaitAsync(cancellationToken);
    }

    private async Task ReadWhileWaitingAsync()
    {
        while (TakeBatch() is { } batch)
        {
            try
            {
                var versions = await ReadAsync(batch.Select(c => c.Id).Distinct().ToArray());
                foreach (var check in batch)
                {
                    check.Result.TrySetResult(versions.GetValueOrDefault(check.Id));
                }
            }
            catch (Exception exception)
            {
                foreach (var check in batch)
                {
                    check.Result.TrySetException(exception);
                }
            }
        }
    }

    private List<PendingCheck>? TakeBatch()
    {
        lock (gate)
        {
            if (waiting.Count == 0)
            {
                reading = false;
                return null;
            }

            if (waiting.Count <= MaximumBatch)
            {
                var all = waiting;
                waiting = [];
                return all;
            }

            var first = waiting.GetRange(0, MaximumBatch);
            waiting.RemoveRange(0, MaximumBatch);
            return first;
        }
    }

    private async Task<Dictionary<Guid, MailboxVersion>> ReadAsync(Guid[] ids)
    {
        // The same connection string as the contexts', so batches borrow from the same pool and count against the same Max Pool Size.
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"Id\", \"Revision\", \"Owner_Id\" FROM \"Mailboxes\" WHERE \"Id\" = ANY(@ids)";
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", ids));
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new Dictionary<Guid, MailboxVersion>(ids.Length);
        while (await reader.ReadAsync())
        {
            versions[reader.GetGuid(0)] = new MailboxVersion(reader.GetInt64(1), reader.GetString(2));
        }

        return versions;
    }

    private sealed class PendingCheck(Guid id)
    {
        public Guid Id { get; } = id;

        public TaskCompletionSource<MailboxVersion?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
