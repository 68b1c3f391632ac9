using ExSync.Exchange.Connectivity;
using ExSync.Exchange.Ews;

namespace ExSync.Engine.Sync.Incoming;

/// <summary>
/// The extended properties ExSync writes on the Exchange items it tracks: the email activity's id and the deployment (organization) that
/// tracks it. A copy of a tracked item carries them too, which is how a copy is recognised and never becomes a second activity; another
/// ExSync deployment's stamp is ignored.
/// </summary>
public static class ExSyncItemStamp
{
    /// <summary>The email activity's id ("D" format).</summary>
    public static readonly ExtendedPropertyDefinition EmailId =
        ExtendedPropertyDefinition.Named(OwnershipMarker.PropertySetId, "ExSyncEmailId", MapiPropertyType.String);

    /// <summary>The organization id of the deployment that tracked the item.</summary>
    public static readonly ExtendedPropertyDefinition DeploymentId =
        ExtendedPropertyDefinition.Named(OwnershipMarker.PropertySetId, "ExSyncDeploymentId", MapiPropertyType.String);

    /// <summary>Both properties, to ask for with an item.</summary>
    public static readonly IReadOnlyList<ExtendedPropertyDefinition> Properties = [EmailId, DeploymentId];

    /// <summary>The values to write on an item tracked as <paramref name="emailId"/>.</summary>
    public static IReadOnlyList<ExtendedPropertyValue> For(Guid emailId, Guid deploymentId) =>
    [
        new(EmailId, emailId.ToString("D"), []),
        new(DeploymentId, deploymentId.ToString("D"), []),
    ];

    /// <summary>The email activity this deployment stamped on the message, if any.</summary>
    public static Guid? EmailIdOn(EwsMessage message, Guid deploymentId) =>
        Guid.TryParse(message.FindExtendedProperty(DeploymentId)?.Value, out var deployment) && deployment == deploymentId
        && Guid.TryParse(message.FindExtendedProperty(EmailId)?.Value, out var emailId)
            ? emailId
            : null;
}
