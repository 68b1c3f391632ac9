using System.Data.Common;
using System.Runtime.CompilerServices;
using ExSync.Domain.Alerts;
using ExSync.Domain.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ExSync.Persistence;

/// <summary>
/// Two duties of every save. It records <c>alert.created</c> for every alert added, whichever code path adds it, in the alert's own
/// transaction. And it tells the <see cref="IWebhookOutboxObserver"/>s when webhook events have committed: at the end of the save when no
/// transaction is open (or one opened for the save, such as <see cref="ChangeFeedOrdering"/>'s, has committed), otherwise when the
/// caller's transaction commits. Telling them before the commit would wake a dispatcher that cannot see the events yet.
/// </summary>
internal sealed class WebhookOutboxInterceptor(IEnumerable<IWebhookOutboxObserver> observers) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private static readonly object Marker = new();

    // Contexts whose unit of work wrote events that have not committed yet (contexts are pooled: the entry goes at commit or rollback).
    private readonly ConditionalWeakTable<DbContext, object> pending = new();

    private readonly IWebhookOutboxObserver[] observers = observers.ToArray();

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Inspect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Inspect(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        NotifyIfCommitted(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        NotifyIfCommitted(eventData.Context);
        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        NotifyIfCommitted(eventData.Context, committed: false);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Notify(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Notify(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Inspect(DbContext? context)
    {
        if (context is not ExSyncDbContext db)
        {
            return;
        }

        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            // A save that failed and runs again on the same context still tracks the events of its first run.
            var recorded = db.ChangeTracker.Entries<WebhookEvent>()
                .Where(e => e.State == EntityState.Added && e.Entity.Type == WebhookEventTypes.AlertCreated)
                .Select(e => e.Entity.ObjectId)
                .ToHashSet();
            foreach (var alert in db.ChangeTracker.Entries<Alert>().Where(e => e.State == EntityState.Added && !recorded.Contains(e.Entity.Id)).Select(e => e.Entity).ToList())
            {
                db.RecordWebhookEvent(WebhookEventTypes.AlertCreated, alert.Id, AlertData(alert), alert.CreatedAt);
            }

            if (db.ChangeTracker.Entries<WebhookEvent>().Any(e => e.State == EntityState.Added))
            {
                pending.AddOrUpdate(db, Marker);
            }
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    private static Dictionary<string, object?> AlertData(Alert alert) => new()
    {
        ["code"] = alert.Code,
        ["severity"] = alert.Severity,
        ["mailboxId"] = alert.MailboxId,
        ["serverProfileId"] = alert.ServerProfileId,
    };

    private void NotifyIfCommitted(DbContext? context, bool committed = true)
    {
        if (context is not null && context.Database.CurrentTransaction is null)
        {
            if (committed)
            {
                Notify(context);
            }
            else
            {
                Forget(context);
            }
        }
    }

    private void Notify(DbContext? context)
    {
        if (context is not null && pending.Remove(context))
        {
            foreach (var observer in observers)
            {
                observer.EventsCommitted();
            }
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            pending.Remove(context);
        }
    }
}
