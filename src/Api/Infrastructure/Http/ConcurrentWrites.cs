using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.Infrastructure.Http;

/// <summary>
/// Writes that may race other writers: API requests and the job engine, which records test results on the same mailboxes.
/// Every resource carries a revision that EF Core checks when it saves, so a request that read a resource someone else changed
/// before it saved fails with <see cref="DbUpdateConcurrencyException"/>. That is not the client's problem to solve: the request
/// runs once more on fresh state, and whatever it answers then is the answer. A request with <c>If-Match</c> re-checks its ETag
/// against the fresh state and gets 412 if the resource moved on; one without applies its change to what is current (RFC 9110
/// §13.1.1: a request without preconditions applies to the current state); a bulk action re-reads every mailbox it touches.
/// </summary>
public static class ConcurrentWrites
{
    // Enough for a burst of racing writers: every round, at least one of them commits.
    private const int MaxAttempts = 20;

    /// <summary>Runs <paramref name="write"/>, and again on fresh state each time a concurrent change made its save fail.</summary>
    /// <param name="db">The request's context; <paramref name="write"/> must read everything it changes through it.</param>
    /// <param name="write">Reads, changes and saves; it must not depend on state kept from an earlier run.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static async Task<T> WriteAsync<T>(this DbContext db, Func<Task<T>> write, CancellationToken cancellationToken)
    {
        try
        {
            return await write();
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
        }

        // Later runs read and save in one transaction. On SQLite it takes the write lock before its first read (Microsoft.Data.Sqlite
        // begins transactions IMMEDIATE), so no other writer can commit in between and the run cannot lose again. On PostgreSQL
        // writers do commit in between; a run that loses again tries once more, and each round at least one racer wins.
        for (var attempt = 2; ; attempt++)
        {
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var result = await write();
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                db.ChangeTracker.Clear();
                await Task.Delay(Random.Shared.Next(1, 5 * attempt), cancellationToken);
            }
        }
    }
}
