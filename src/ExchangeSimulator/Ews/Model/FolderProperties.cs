using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>The folder properties the simulator simulates; a FolderShape naming any other is refused.</summary>
internal static class FolderProperties
{
    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "folder:FolderId", "folder:ParentFolderId", "folder:FolderClass", "folder:DisplayName", "folder:TotalCount",
        "folder:ChildFolderCount", "folder:UnreadCount",
    };

    public static void ThrowIfUnsupported(ResponseShape shape)
    {
        foreach (var fieldUri in shape.FieldUris)
        {
            if (!Supported.Contains(fieldUri))
            {
                throw ItemProperties.Unsupported(fieldUri);
            }
        }

        if (shape.IndexedFieldUris.Count > 0)
        {
            throw ItemProperties.Unsupported($"{shape.IndexedFieldUris[0].Key} [{shape.IndexedFieldUris[0].Value}]");
        }

        foreach (var extended in shape.ExtendedProperties)
        {
            MapiTags.ThrowIfMistyped(extended.Key);
        }
    }

    /// <summary>Requested extended properties in request order: tags of first-class folder properties computed, others as stored.</summary>
    public static void WriteExtendedProperties(XmlWriter xml, ResponseShape shape, FolderView folder)
    {
        foreach (var requested in shape.ExtendedProperties)
        {
            if (MapiTags.ReadFolder(requested.Key, folder) is { } computed)
            {
                requested.WriteProperty(xml, [computed]);
            }
            else if (folder.ExtendedProperties.TryGetValue(requested.Key, out var values))
            {
                requested.WriteProperty(xml, values);
            }
        }
    }
}
