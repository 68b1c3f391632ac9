using System.Text;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Ews.Xml;

namespace ExSync.Exchange.Tests.Unit;

public sealed class ServerVersionTests
{
    [Theory]
    [InlineData(14, 3, 123, ExchangeProduct.Exchange2010OrOlder, false)]
    [InlineData(8, 3, 83, ExchangeProduct.Exchange2010OrOlder, false)]
    [InlineData(15, 0, 516, ExchangeProduct.Exchange2013BeforeSp1, false)]
    [InlineData(15, 0, 775, ExchangeProduct.Exchange2013BeforeSp1, false)]
    [InlineData(15, 0, 846, ExchangeProduct.Exchange2013BeforeSp1, false)]
    [InlineData(15, 0, 847, ExchangeProduct.Exchange2013Sp1OrLater, true)]
    [InlineData(15, 0, 1497, ExchangeProduct.Exchange2013Sp1OrLater, true)]
    [InlineData(15, 1, 225, ExchangeProduct.Exchange2016, true)]
    [InlineData(15, 1, 2507, ExchangeProduct.Exchange2016, true)]
    [InlineData(15, 2, 221, ExchangeProduct.Exchange2019, true)]
    [InlineData(15, 2, 2561, ExchangeProduct.Exchange2019, true)]
    [InlineData(15, 2, 2562, ExchangeProduct.ExchangeSE, true)]
    [InlineData(15, 2, 3000, ExchangeProduct.ExchangeSE, true)]
    [InlineData(15, 20, 5000, ExchangeProduct.Unknown, false)]
    [InlineData(15, 3, 10, ExchangeProduct.Unknown, false)]
    [InlineData(16, 0, 1, ExchangeProduct.Unknown, false)]
    public void Build_numbers_map_to_the_product_and_support_verdict(int major, int minor, int build, ExchangeProduct product, bool supported)
    {
        var version = new ExchangeServerVersion(major, minor, build, 4, null);

        Assert.Equal(product, version.Product);
        Assert.Equal(supported, version.IsSupported);
    }

    [Fact]
    public void Missing_numbers_give_unknown_and_unsupported()
    {
        Assert.Equal(ExchangeProduct.Unknown, new ExchangeServerVersion(null, null, null, null, null).Product);

        // 15.0 without a build cannot be told apart from pre-SP1.
        var noBuild = new ExchangeServerVersion(15, 0, null, null, "V2_23");
        Assert.Equal(ExchangeProduct.Unknown, noBuild.Product);
        Assert.False(noBuild.IsSupported);
        Assert.Equal("15.0", noBuild.Build);
    }

    [Fact]
    public void Server_version_info_is_read_from_the_header_attributes_whatever_the_prefix()
    {
        const string Response = """
            <?xml version="1.0" encoding="utf-8"?>
            <env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">
              <env:Header>
                <x:Unrelated xmlns:x="urn:other">ignored</x:Unrelated>
                <q:ServerVersionInfo MajorVersion="15" MinorVersion="2" MajorBuildNumber="1544" MinorBuildNumber="4" Version="V2017_07_11"
                    xmlns:q="http://schemas.microsoft.com/exchange/services/2006/types"/>
              </env:Header>
              <env:Body>
                <m:GetFolderResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><m:ResponseMessages/></m:GetFolderResponse>
              </env:Body>
            </env:Envelope>
            """;

        var envelope = EwsResponseReader.ReadEnvelope(new MemoryStream(Encoding.UTF8.GetBytes(Response)));

        Assert.NotNull(envelope.ServerVersion);
        Assert.Equal(ExchangeProduct.Exchange2019, envelope.ServerVersion.Product);
        Assert.Equal("15.2.1544.4", envelope.ServerVersion.Build);
        Assert.Equal("V2017_07_11", envelope.ServerVersion.SchemaVersion);
        Assert.Equal("GetFolderResponse", envelope.BodyContent!.Name.LocalName);
    }

    [Fact]
    public void Server_version_info_in_the_wrong_namespace_is_not_trusted()
    {
        // Some docs pages show https:// namespaces, which real servers never send.
        const string Response = """
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
              <s:Header>
                <h:ServerVersionInfo MajorVersion="15" MinorVersion="2" MajorBuildNumber="1544" MinorBuildNumber="4"
                    xmlns:h="https://schemas.microsoft.com/exchange/services/2006/types"/>
              </s:Header>
              <s:Body><m:GetFolderResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"/></s:Body>
            </s:Envelope>
            """;

        var envelope = EwsResponseReader.ReadEnvelope(new MemoryStream(Encoding.UTF8.GetBytes(Response)));

        Assert.Null(envelope.ServerVersion);
    }
}
