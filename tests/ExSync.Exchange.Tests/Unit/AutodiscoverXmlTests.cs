using System.Text;
using System.Xml.Linq;
using ExSync.Exchange.Autodiscover;
using ExSync.Exchange.Ews.Xml;

namespace ExSync.Exchange.Tests.Unit;

public sealed class AutodiscoverXmlTests
{
    private static AutodiscoverAnswer Soap(string userResponse, string responseError = "NoError") =>
        AutodiscoverXml.ParseSoapResponse(XElement.Parse($"""
            <GetUserSettingsResponseMessage xmlns="http://schemas.microsoft.com/exchange/2010/Autodiscover">
              <Response xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
                <ErrorCode>{responseError}</ErrorCode><ErrorMessage/>
                <UserResponses><UserResponse>{userResponse}</UserResponse></UserResponses>
              </Response>
            </GetUserSettingsResponseMessage>
            """));

    private static AutodiscoverAnswer Pox(string xml) => AutodiscoverXml.ParsePoxResponse(new MemoryStream(Encoding.UTF8.GetBytes(xml)));

    [Fact]
    public void Soap_settings_give_internal_and_external_urls()
    {
        var answer = Soap("""
            <ErrorCode>NoError</ErrorCode><ErrorMessage>No error.</ErrorMessage><RedirectTarget i:nil="true"/><UserSettingErrors/>
            <UserSettings>
              <UserSetting i:type="StringSetting"><Name>ExternalEwsUrl</Name><Value>https://mail.contoso.com/EWS/Exchange.asmx</Value></UserSetting>
              <UserSetting i:type="StringSetting"><Name>InternalEwsUrl</Name><Value>https://mail.contoso.local/EWS/Exchange.asmx</Value></UserSetting>
            </UserSettings>
            """);

        Assert.Equal(AutodiscoverAnswerKind.Settings, answer.Kind);
        Assert.Equal("https://mail.contoso.local/EWS/Exchange.asmx", answer.InternalEwsUrl);
        Assert.Equal("https://mail.contoso.com/EWS/Exchange.asmx", answer.ExternalEwsUrl);
    }

    [Fact]
    public void Soap_redirects_are_read_from_the_user_response()
    {
        var url = Soap("<ErrorCode>RedirectUrl</ErrorCode><RedirectTarget>https://other/autodiscover/autodiscover.svc</RedirectTarget>");
        var address = Soap("<ErrorCode>RedirectAddress</ErrorCode><RedirectTarget>alice@fabrikam.com</RedirectTarget>");

        Assert.Equal((AutodiscoverAnswerKind.RedirectUrl, "https://other/autodiscover/autodiscover.svc"), (url.Kind, url.RedirectTarget));
        Assert.Equal((AutodiscoverAnswerKind.RedirectAddress, "alice@fabrikam.com"), (address.Kind, address.RedirectTarget));
    }

    [Fact]
    public void Soap_top_level_errors_win()
    {
        var answer = Soap("<ErrorCode>NoError</ErrorCode>", responseError: "ServerBusy");

        Assert.Equal((AutodiscoverAnswerKind.Error, "ServerBusy"), (answer.Kind, answer.ErrorCode));
    }

    [Fact]
    public void Pox_prefers_ews_url_over_as_url_and_tells_internal_from_external()
    {
        var answer = Pox("""
            <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
              <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
                <Account><AccountType>email</AccountType><Action>settings</Action>
                  <Protocol><Type>EXPR</Type><ASUrl>https://ext/as</ASUrl></Protocol>
                  <Protocol><Type>EXCH</Type><ASUrl>https://int/as</ASUrl><EwsUrl>https://int/EWS/Exchange.asmx</EwsUrl></Protocol>
                </Account>
              </Response>
            </Autodiscover>
            """);

        Assert.Equal(AutodiscoverAnswerKind.Settings, answer.Kind);
        Assert.Equal("https://int/EWS/Exchange.asmx", answer.InternalEwsUrl);
        Assert.Equal("https://ext/as", answer.ExternalEwsUrl);
    }

    [Fact]
    public void Pox_redirect_actions_and_errors_are_recognised()
    {
        const string Head = """<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">""";
        const string Tail = "</Response></Autodiscover>";

        var address = Pox(Head + "<Account><Action>redirectAddr</Action><RedirectAddr>a@b.example</RedirectAddr></Account>" + Tail);
        var url = Pox(Head + "<Account><Action>redirectUrl</Action><RedirectUrl>https://x/autodiscover/autodiscover.xml</RedirectUrl></Account>" + Tail);
        var error = Pox("""<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response><Error Time="1" Id="2"><ErrorCode>600</ErrorCode><Message>Invalid Request</Message></Error></Response></Autodiscover>""");

        Assert.Equal((AutodiscoverAnswerKind.RedirectAddress, "a@b.example"), (address.Kind, address.RedirectTarget));
        Assert.Equal((AutodiscoverAnswerKind.RedirectUrl, "https://x/autodiscover/autodiscover.xml"), (url.Kind, url.RedirectTarget));
        Assert.Equal((AutodiscoverAnswerKind.Error, "600"), (error.Kind, error.ErrorCode));
    }

    [Fact]
    public void Pox_with_the_https_namespace_typo_is_not_accepted()
    {
        Assert.Throws<EwsResponseFormatException>(() => Pox("""<Autodiscover xmlns="https://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"/>"""));
    }

    [Fact]
    public void Candidate_order_is_domain_first_then_autodiscover_host_each_soap_then_pox()
    {
        var candidates = ExchangeAutodiscoverClient.CandidatesFor("contoso.com").Select(c => $"{c.Protocol} {c.Url}").ToArray();

        Assert.Equal(
        [
            "Soap https://contoso.com/autodiscover/autodiscover.svc",
            "Pox https://contoso.com/autodiscover/autodiscover.xml",
            "Soap https://autodiscover.contoso.com/autodiscover/autodiscover.svc",
            "Pox https://autodiscover.contoso.com/autodiscover/autodiscover.xml",
        ], candidates);
    }

    [Theory]
    [InlineData("alice@contoso.com", "contoso.com")]
    [InlineData("Alice@Contoso.COM", "contoso.com")]
    [InlineData("alice", null)]
    [InlineData("alice@", null)]
    [InlineData("alice@bad host", null)]
    public void Domain_is_taken_from_the_address(string address, string? domain) =>
        Assert.Equal(domain, ExchangeAutodiscoverClient.DomainOf(address));
}
