using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>GetFolder: FolderShape, then FolderIds; one response message per id, in request order.</summary>
internal sealed class GetFolderOperation : EwsOperation
{
    private static readonly ElementSequence Sequence = new(EwsNamespaces.Messages, "GetFolder",
        Particle.Required(EwsNamespaces.Messages, "FolderShape"),
        Particle.Required(EwsNamespaces.Messages, "FolderIds"));

    private GetFolderOperation(ResponseShape shape, IReadOnlyList<FolderTarget> folders)
    {
        Shape = shape;
        Folders = folders;
    }

    public override string Name => "GetFolder";

    public ResponseShape Shape { get; }

    public IReadOnlyList<FolderTarget> Folders { get; }

    public static GetFolderOperation Parse(XmlReader reader)
    {
        ResponseShape? shape = null;
        List<FolderTarget>? folders = null;
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out var particle))
        {
            if (particle == 0)
            {
                shape = ResponseShape.ReadFolderShape(reader);
            }
            else
            {
                folders = FolderTargets.ReadList(reader, FolderTargets.FolderIdsSequence);
            }
        }

        return new GetFolderOperation(shape!, folders!);
    }

    public override void Execute(EwsExecutionContext context, EwsResponseWriter writer)
    {
        foreach (var target in Folders)
        {
            var resolved = FolderTargets.Resolve(target, context);
            var view = resolved.Mailbox?.GetFolderView(resolved.Folder);
            var error = context.ForcedItemError ?? resolved.Error ?? (view is null ? ItemError.FolderNotFound : null);
            if (error is not null)
            {
                writer.WriteErrorMessage(error, "Folders");
                continue;
            }

            writer.StartMessage(null);
            writer.Xml.WriteStartElement("m", "Folders", EwsNamespaces.Messages);
            EwsObjectWriter.WriteFolder(writer.Xml, view!, Shape);
            writer.Xml.WriteEndElement();
            writer.EndElement();
        }
    }
}
