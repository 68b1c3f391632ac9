using ExSync.Exchange.Ews;

namespace ExSync.Exchange.Connectivity;

/// <summary>The organization ownership marker rules and small step helpers.</summary>
internal sealed partial class ConnectivityFlow
{
    /// <summary>
    /// Marker absent: passes (claimed only when taking ownership). Marker ours: passes. Another organization's
    /// marker: fails unless taking ownership, in which case our id is written.
    /// </summary>
    private async Task<ConnectivityStep> CheckOwnershipAsync(
        EwsTarget target, FolderResult root, string title, CancellationToken cancellationToken)
    {
        if (root.Folder is null)
        {
            return Step(ConnectivityStepIds.OrganizationOwnership, title, ConnectivityStepOutcome.Failed, error: root.Error);
        }

        var ours = _request.OrganizationId;
        var marker = root.Folder.FindExtendedProperty(OwnershipMarker.Property)?.Value?.Trim();
        if (string.IsNullOrEmpty(marker))
        {
            marker = null;
        }

        if (marker is not null && string.Equals(marker, ours, StringComparison.OrdinalIgnoreCase))
        {
            return Step(ConnectivityStepIds.OrganizationOwnership, title, ConnectivityStepOutcome.Passed,
                detail: $"The mailbox is already synchronized with this organization ({ours}).");
        }

        if (!_request.TakeOwnership)
        {
            return marker is null
                ? Step(ConnectivityStepIds.OrganizationOwnership, title, ConnectivityStepOutcome.Passed,
                    detail: "No ExSync organization has claimed this mailbox yet. It is claimed for this organization when \"Sync items with Exchange from this organization only\" is on.")
                : Step(ConnectivityStepIds.OrganizationOwnership, title, ConnectivityStepOutcome.Failed,
                    error: ExchangeErrors.OwnedByAnotherOrganization(Mailbox, marker, ours));
        }

        var call = await TraceAsync(() => _ews.SetFolderExtendedPropertyAsync(target, new SetFolderExtendedPropertyRequest
        {
            Folder = OwnershipMarker.Folder,
            Property = OwnershipMarker.Property,
            Value = ours,
        }, cancellationToken)).ConfigureAwait(false);
        if (call.Error is { } error)
        {
            return Step(ConnectivityStepIds.OrganizationOwnership, title, ConnectivityStepOutcome.Failed, call.Duration, error: error, children: call.Attempts);
        }

        return Step(ConnectivityStepIds.OrganizationOwnership, title, ConnectivityStepOutcome.Passed, call.Duration,
            detail: marker is null
                ? $"The mailbox was claimed for this organization ({ours})."
                : $"Ownership taken from organization {marker}; the mailbox now synchronizes with this organization ({ours}).",
            children: call.Attempts);
    }

    private static FolderResult Folder(GetFolderResponse response, DistinguishedFolderName name) =>
        response.Folders.First(f => f.Requested is DistinguishedFolderId d && d.Name == name);

    private static ConnectivityStep FolderStep(string id, string title, FolderResult result)
    {
        if (result.Folder is not { } folder)
        {
            return Step(id, title, ConnectivityStepOutcome.Failed, error: result.Error);
        }

        var name = folder.DisplayName is null ? "The folder" : $"\"{folder.DisplayName}\"";
        var counts = folder.TotalCount is { } total
            ? folder.UnreadCount is { } unread ? $" ({total} items, {unread} unread)" : $" ({total} items)"
            : string.Empty;
        return Step(id, title, ConnectivityStepOutcome.Passed, detail: $"{name} can be read{counts}.");
    }

    /// <summary>A parent passes only when all its children pass; its duration is theirs.</summary>
    private static ConnectivityStep Parent(string id, string title, IReadOnlyList<ConnectivityStep> children)
    {
        var failed = children.FirstOrDefault(c => c.Outcome == ConnectivityStepOutcome.Failed);
        return Step(
            id,
            title,
            failed is null ? ConnectivityStepOutcome.Passed : ConnectivityStepOutcome.Failed,
            TimeSpan.FromTicks(children.Sum(c => c.Duration.Ticks)),
            detail: failed is null ? "All checks passed." : $"\"{failed.Title}\" failed.",
            error: failed?.Error,
            children: children);
    }
}
