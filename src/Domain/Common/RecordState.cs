namespace ExSync.Domain.Common;

/// <summary>Whether a record takes part in synchronization.</summary>
public enum RecordState
{
    /// <summary>In use.</summary>
    Active,

    /// <summary>Kept for reference but not used for synchronization.</summary>
    Inactive,
}
