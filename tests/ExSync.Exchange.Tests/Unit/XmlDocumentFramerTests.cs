using System.Text;
using ExSync.Exchange.Ews.Xml;

namespace ExSync.Exchange.Tests.Unit;

/// <summary>Cutting a GetStreamingEvents body into its envelopes as they complete.</summary>
public sealed class XmlDocumentFramerTests
{
    private const string First =
        """<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:X xmlns:m="urn:m" a="1 > 0" b='"/>'>one</m:X></s:Body></s:Envelope>""";

    private const string Second =
        """<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><!-- a comment with </s:Envelope> --><s:Body><![CDATA[ <not>an element</s:Envelope> ]]><e/></s:Body></s:Envelope>""";

    private static List<string> FeedInPieces(string text, int pieceSize, XmlDocumentFramer? framer = null)
    {
        framer ??= new XmlDocumentFramer(1024 * 1024);
        var bytes = Encoding.UTF8.GetBytes(text);
        var documents = new List<byte[]>();
        for (var offset = 0; offset < bytes.Length; offset += pieceSize)
        {
            framer.Feed(bytes.AsSpan(offset, Math.Min(pieceSize, bytes.Length - offset)), documents);
        }

        return documents.Select(d => Encoding.UTF8.GetString(d)).ToList();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100_000)]
    public void Each_document_is_returned_whole_as_soon_as_it_ends_however_the_bytes_arrive(int pieceSize)
    {
        var stream = $"<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n{First}\r\n<?xml version=\"1.0\"?>{Second}  ";

        Assert.Equal([First, Second], FeedInPieces(stream, pieceSize));
    }

    [Fact]
    public void A_document_is_handed_over_before_the_next_one_begins()
    {
        var framer = new XmlDocumentFramer(1024);
        var documents = new List<byte[]>();

        framer.Feed(Encoding.UTF8.GetBytes(First), documents);

        Assert.Single(documents);
        Assert.False(framer.HasPartialDocument);
    }

    [Fact]
    public void A_document_cut_short_is_reported_as_partial()
    {
        var framer = new XmlDocumentFramer(1024);
        var documents = FeedInPieces(Second[..^5], 3, framer);

        Assert.Empty(documents);
        Assert.True(framer.HasPartialDocument);
    }

    [Fact]
    public void Multi_byte_characters_and_empty_root_elements_are_kept_intact()
    {
        const string unicode = "<r a=\"é\u2603\"><x>Grüße \U0001F600</x></r>";

        Assert.Equal([unicode, "<empty/>", unicode], FeedInPieces(unicode + "<empty/>" + unicode, 1));
    }

    [Fact]
    public void A_document_larger_than_the_limit_is_refused()
    {
        var framer = new XmlDocumentFramer(100);

        var exception = Assert.Throws<EwsResponseFormatException>(() => FeedInPieces($"<r>{new string('x', 200)}</r>", 10, framer));
        Assert.False(exception.IsNotSoap);
    }
}
