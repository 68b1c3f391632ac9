using ExSync.Exchange.Ews;

namespace ExSync.Exchange.Connectivity;

/// <summary>
/// The mark that tells which ExSync organization synchronizes a mailbox's appointments, contacts and tasks: a
/// string extended property on the <c>msgfolderroot</c> folder holding the organization id. One organization per
/// mailbox avoids two deployments fighting over the same calendar items.
/// </summary>
public static class OwnershipMarker
{
    /// <summary>The property set of ExSync's extended properties.</summary>
    public static readonly Guid PropertySetId = new("6f1c2b0e-5d43-4a8e-9b7f-3e2a1d0c9b85");

    /// <summary>The property name.</summary>
    public const string PropertyName = "ExSyncOrganizationId";

    /// <summary>The marker as an extended property definition (PropertyType String).</summary>
    public static readonly ExtendedPropertyDefinition Property =
        ExtendedPropertyDefinition.Named(PropertySetId, PropertyName, MapiPropertyType.String);

    /// <summary>The folder that carries the marker.</summary>
    public static readonly DistinguishedFolderId Folder = EwsFolderId.Distinguished(DistinguishedFolderName.MsgFolderRoot);
}
