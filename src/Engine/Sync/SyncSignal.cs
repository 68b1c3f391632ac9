namespace ExSync.Engine.Sync;

/// <summary>Wakes the synchronization worker when a workload became due sooner than planned (a notification, an explicit run, a freed slot).</summary>
public sealed class SyncSignal : WakeSignal;

/// <summary>Wakes the reconciler when mailboxes may have become synchronized (Test &amp; Enable passed them), so they start within seconds.</summary>
public sealed class SyncReconcileSignal : WakeSignal;
