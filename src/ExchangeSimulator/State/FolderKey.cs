namespace ExSync.ExchangeSimulator;

/// <summary>
/// A folder of a mailbox, by object number: distinguished folders have the fixed numbers 1..13 (their enum value + 1),
/// user-created folders numbers from the mailbox's object counter. Object numbers are never reused, so a key of a
/// deleted folder never names a new one.
/// </summary>
internal readonly record struct FolderKey(long ObjectNumber)
{
    /// <summary>A distinguished folder's key; implicit so code written against the well-known folders reads naturally.</summary>
    public static implicit operator FolderKey(SimulatedFolder folder) => new((long)folder + 1);

    public static FolderKey FromSimulatedFolder(SimulatedFolder folder) => folder;

    /// <summary>The distinguished folder this key names, if it names one.</summary>
    public SimulatedFolder? Distinguished =>
        ObjectNumber >= 1 && ObjectNumber <= SimulatedFolderNames.Count ? (SimulatedFolder)(ObjectNumber - 1) : null;
}
