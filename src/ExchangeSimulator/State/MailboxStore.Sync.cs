namespace ExSync.ExchangeSimulator;

/// <summary>SyncFolderItems: net changes of a folder since a sync state.</summary>
internal sealed partial class MailboxStore
{
    /// <summary>
    /// Whether a sync state issued in <paramref name="epoch"/> at <paramref name="sequence"/> can still be continued:
    /// the folder exists, no tombstone after the state was forgotten, and its states were not invalidated since.
    /// </summary>
    public bool CanContinueSync(FolderKey folder, int epoch, long sequence)
    {
        lock (_gate)
        {
            return _folders.TryGet(folder, out var store) && store.SyncEpoch == epoch &&
                   sequence <= _sequence && sequence >= store.ForgottenThroughSequence;
        }
    }

    /// <summary>The sync epoch a new state of the folder is issued in; null when the folder no longer exists.</summary>
    public int? SyncEpoch(FolderKey folder)
    {
        lock (_gate)
        {
            return _folders.TryGet(folder, out var store) ? store.SyncEpoch : null;
        }
    }

    /// <summary>Makes every sync state of a folder invalid (ErrorInvalidSyncStateData), as an expired or corrupt state is on Exchange.</summary>
    public bool InvalidateSyncStates(FolderKey folder)
    {
        lock (_gate)
        {
            if (!_folders.TryGet(folder, out var store))
            {
                return false;
            }

            store.InvalidateSyncStates();
            return true;
        }
    }

    /// <summary>Net changes after a sync state, oldest first, at most <paramref name="maxChanges"/>; null when the folder is gone.</summary>
    public SyncPage? Sync(FolderKey folder, long afterSequence, int maxChanges, IReadOnlySet<long>? ignoredObjectNumbers)
    {
        lock (_gate)
        {
            if (!_folders.TryGet(folder, out var store))
            {
                return null;
            }

            var changes = new List<SyncChange>(Math.Min(maxChanges, 64));
            var consumedThrough = afterSequence;
            var more = false;
            foreach (var item in store.ChangesAfter(afterSequence))
            {
                if (changes.Count == maxChanges)
                {
                    more = true;
                    break;
                }

                consumedThrough = item.LastChangeSequence;
                var kind = Classify(item, afterSequence);
                if (kind is { } reported && ignoredObjectNumbers?.Contains(item.ObjectNumber) != true)
                {
                    changes.Add(new SyncChange(reported, item));
                }
            }

            // With nothing left, the state can jump to "now": later changes all get higher sequences.
            return new SyncPage(changes, more ? consumedThrough : _sequence, !more, store.SyncEpoch);
        }
    }

    private static SyncChangeKind? Classify(SimulatedItem item, long afterSequence)
    {
        if (item.IsDeleted)
        {
            // Created and deleted since the client's state: it never saw the item, so there is nothing to report.
            return item.CreatedSequence > afterSequence ? null : SyncChangeKind.Delete;
        }

        if (item.CreatedSequence > afterSequence)
        {
            return SyncChangeKind.Create;
        }

        return item.LastContentChangeSequence > afterSequence ? SyncChangeKind.Update : SyncChangeKind.ReadFlagChange;
    }
}
