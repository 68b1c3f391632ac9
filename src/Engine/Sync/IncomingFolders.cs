using ExSync.Domain.Organization;
using ExSync.Domain.Sync;
using ExSync.Exchange.Ews;

namespace ExSync.Engine.Sync;

/// <summary>The folders incoming email is read from: the Inbox, and Sent Items when the organization tracks sent items.</summary>
public static class IncomingFolders
{
    /// <summary>The folders, in the order they are read.</summary>
    public static IReadOnlyList<SyncFolder> Of(OrganizationEmailSettings organization) =>
        organization.TrackSentItems ? [SyncFolder.Inbox, SyncFolder.SentItems] : [SyncFolder.Inbox];

    /// <summary>The folder's distinguished id in EWS.</summary>
    public static EwsFolderId ToEws(SyncFolder folder) => EwsFolderId.Distinguished(folder switch
    {
        SyncFolder.SentItems => DistinguishedFolderName.SentItems,
        _ => DistinguishedFolderName.Inbox,
    });
}
