using ExSync.Domain.Sync;

namespace ExSync.Engine.Sync;

/// <summary>Cycle errors every direction can meet before it speaks to Exchange.</summary>
internal static class SyncErrors
{
    /// <summary>An autodiscover profile's mailbox whose EWS URL Test &amp; Enable has not found yet.</summary>
    public static SyncError EwsUrlUnknown(DateTimeOffset now) => new(
        "EwsUrlUnknown",
        "The mailbox's EWS URL is not known: its profile uses autodiscover and Test & Enable has not found the URL yet.",
        "Run Test & Enable for the mailbox.",
        IsTransient: false,
        now);
}
