using System.Globalization;
using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// An IndexedPage…View or FractionalPage…View of FindItem and FindFolder: how to read it, check it, turn it into a
/// window over the results, and the RootFolder attributes (FindResponsePagingAttributes) that answer it.
/// </summary>
internal sealed record PagingView(int? MaxEntriesReturned, int Offset, bool FromEnd, int? Numerator, int? Denominator)
{
    private static readonly string[] BasePoints = ["Beginning", "End"];

    private static readonly ItemError InvalidMaxRows = new("ErrorInvalidPagingMaxRows", "The specified value for MaxEntriesReturned is invalid.");
    private static readonly ItemError InvalidIndexedPaging = new("ErrorInvalidIndexedPagingParameters", "The indexed paging parameters are invalid.");
    private static readonly ItemError InvalidFractionalPaging = new("ErrorInvalidFractionalPagingParameters", "The fractional paging parameters are invalid.");

    /// <summary>Reads an IndexedPageItemView or IndexedPageFolderView (the reader is on it) and moves past it.</summary>
    public static PagingView ReadIndexed(XmlReader reader)
    {
        var view = new PagingView(
            StrictXml.IntAttribute(reader, "MaxEntriesReturned", required: false),
            StrictXml.IntAttribute(reader, "Offset", required: true)!.Value,
            StrictXml.EnumAttribute(reader, "BasePoint", "IndexBasePointType", BasePoints, required: true) == "End",
            Numerator: null, Denominator: null);
        SkipEmptyContent(reader);
        return view;
    }

    /// <summary>Reads a FractionalPageItemView or FractionalPageFolderView (the reader is on it) and moves past it.</summary>
    public static PagingView ReadFractional(XmlReader reader)
    {
        var view = new PagingView(
            StrictXml.IntAttribute(reader, "MaxEntriesReturned", required: false), 0, FromEnd: false,
            StrictXml.IntAttribute(reader, "Numerator", required: true),
            StrictXml.IntAttribute(reader, "Denominator", required: true));
        SkipEmptyContent(reader);
        return view;
    }

    public bool IsFractional => Numerator is not null;

    public ItemError? Validate() =>
        MaxEntriesReturned is <= 0 ? InvalidMaxRows
        : Offset < 0 ? InvalidIndexedPaging
        : Numerator is { } numerator && (Denominator is not > 0 || numerator < 0 || numerator > Denominator) ? InvalidFractionalPaging
        : null;

    /// <summary>Where the page starts in view order: the offset, or the fraction of the total.</summary>
    public int StartOffset(int total) =>
        Numerator is { } numerator && Denominator is { } denominator ? (int)((long)total * numerator / denominator) : Offset;

    /// <summary>Writes the RootFolder paging attributes for a page that ends at <paramref name="nextOffset"/> of <paramref name="total"/>.</summary>
    public static void WriteRootFolderAttributes(XmlWriter xml, PagingView? view, int nextOffset, int total, bool includesLastItemInRange)
    {
        if (view?.IsFractional == true)
        {
            xml.WriteAttributeString("NumeratorOffset", nextOffset.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("AbsoluteDenominator", total.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            xml.WriteAttributeString("IndexedPagingOffset", nextOffset.ToString(CultureInfo.InvariantCulture));
        }

        xml.WriteAttributeString("TotalItemsInView", total.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("IncludesLastItemInRange", includesLastItemInRange ? "true" : "false");
    }

    /// <summary>The views have attributes only; a child element is a schema violation naming the view.</summary>
    private static void SkipEmptyContent(XmlReader reader) => new ElementSequence(EwsNamespaces.Messages, reader.LocalName).Open(reader).SkipRemaining();
}
