using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Http;

namespace ExSync.Exchange.Tests.Unit;

public sealed class ErrorClassificationTests
{
    private static readonly ErrorContext Context = new(
        "GetFolder", new Uri("https://mail.contoso.local/EWS/Exchange.asmx"),
        new ServiceAccountAuthentication("svc@contoso.local", "pw", AuthenticationProtocol.Basic), "alice@contoso.local");

    private static string Fault(string code, string message, string messageXml = "") => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
          <s:Body>
            <s:Fault>
              <faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:{code}</faultcode>
              <faultstring xml:lang="en-US">{message}</faultstring>
              <detail>
                <e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">{code}</e:ResponseCode>
                <e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">{message}</e:Message>
                {messageXml}
              </detail>
            </s:Fault>
          </s:Body>
        </s:Envelope>
        """;

    private static ExchangeError Classify(HttpStatusCode status, string body, string contentType = "text/xml; charset=utf-8")
    {
        using var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8) };
        response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var (_, error) = ExchangeErrorClassifier.ReadEwsResponse(response, Context);
        return Assert.IsType<ExchangeError>(error);
    }

    [Fact]
    public void Server_busy_fault_is_transient_and_carries_the_back_off()
    {
        var error = Classify(HttpStatusCode.InternalServerError, Fault(
            "ErrorServerBusy", "The server cannot service this request right now. Try again later.",
            """<t:MessageXml xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><t:Value Name="BackOffMilliseconds">297749</t:Value></t:MessageXml>"""));

        Assert.Equal(ExchangeErrorCodes.ServerBusy, error.Code);
        Assert.Equal(ExchangeErrorClass.Transient, error.ErrorClass);
        Assert.Equal(TimeSpan.FromMilliseconds(297749), error.BackOff);
        Assert.Equal("ErrorServerBusy", error.ResponseCode);
        Assert.Equal(500, error.HttpStatusCode);
        Assert.True(ExchangeErrorClassifier.IsRetryableWithinCall(error, operationIsIdempotent: false));
    }

    [Fact]
    public void Message_xml_in_the_errors_namespace_is_read_too()
    {
        // Exchange 2010+ puts MessageXml in the errors namespace, 2007 in the types namespace.
        var error = Classify(HttpStatusCode.InternalServerError, Fault(
            "ErrorServerBusy", "busy",
            """<e:MessageXml xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors"><t:Value Name="BackOffMilliseconds" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">1500</t:Value></e:MessageXml>"""));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), error.BackOff);
    }

    [Theory]
    [InlineData("ErrorNonExistentMailbox", ExchangeErrorCodes.MailboxNotFound, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorImpersonateUserDenied", ExchangeErrorCodes.ImpersonationDenied, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorImpersonationDenied", ExchangeErrorCodes.ImpersonationDenied, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorInvalidServerVersion", ExchangeErrorCodes.UnsupportedServerVersion, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorInvalidSchemaVersionForMailboxVersion", ExchangeErrorCodes.UnsupportedServerVersion, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorExceededConnectionCount", ExchangeErrorCodes.TooManyConcurrentConnections, ExchangeErrorClass.Transient)]
    [InlineData("ErrorMailboxStoreUnavailable", ExchangeErrorCodes.MailboxStoreUnavailable, ExchangeErrorClass.Transient)]
    [InlineData("ErrorMailboxMoveInProgress", ExchangeErrorCodes.MailboxMoveInProgress, ExchangeErrorClass.Transient)]
    [InlineData("ErrorConnectionFailed", ExchangeErrorCodes.MailboxServerConnectionFailed, ExchangeErrorClass.Transient)]
    [InlineData("ErrorInternalServerError", ExchangeErrorCodes.ExchangeInternalError, ExchangeErrorClass.Transient)]
    [InlineData("ErrorSchemaValidation", ExchangeErrorCodes.RequestRejected, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorInvalidRequest", ExchangeErrorCodes.RequestRejected, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorSomethingNew", ExchangeErrorCodes.EwsOperationFailed, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorSyncFolderNotFound", ExchangeErrorCodes.SyncFolderNotFound, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorInvalidSyncStateData", ExchangeErrorCodes.InvalidSyncState, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorIrresolvableConflict", ExchangeErrorCodes.ItemConflict, ExchangeErrorClass.Transient)]
    [InlineData("ErrorStaleObject", ExchangeErrorCodes.ItemConflict, ExchangeErrorClass.Transient)]
    [InlineData("ErrorChangeKeyRequiredForWriteOperations", ExchangeErrorCodes.ItemConflict, ExchangeErrorClass.Transient)]
    [InlineData("ErrorCorruptData", ExchangeErrorCodes.CorruptItem, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorItemCorrupt", ExchangeErrorCodes.CorruptItem, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorMessageSizeExceeded", ExchangeErrorCodes.MessageSizeExceeded, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorInvalidPropertyRequest", ExchangeErrorCodes.PropertyNotSupported, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorInvalidAttachmentId", ExchangeErrorCodes.AttachmentNotFound, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorAttachmentSizeLimitExceeded", ExchangeErrorCodes.AttachmentTooLarge, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorFolderExists", ExchangeErrorCodes.FolderExists, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorSubscriptionNotFound", ExchangeErrorCodes.SubscriptionLost, ExchangeErrorClass.Transient)]
    [InlineData("ErrorMissedNotificationEvents", ExchangeErrorCodes.SubscriptionLost, ExchangeErrorClass.Transient)]
    [InlineData("ErrorInvalidWatermark", ExchangeErrorCodes.SubscriptionLost, ExchangeErrorClass.Transient)]
    [InlineData("ErrorReadEventsFailed", ExchangeErrorCodes.SubscriptionLost, ExchangeErrorClass.Transient)]
    [InlineData("ErrorExpiredSubscription", ExchangeErrorCodes.SubscriptionLost, ExchangeErrorClass.Transient)]
    [InlineData("ErrorExceededSubscriptionCount", ExchangeErrorCodes.TooManySubscriptions, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorBatchProcessingStopped", ExchangeErrorCodes.BatchProcessingStopped, ExchangeErrorClass.Transient)]
    [InlineData("ErrorInvalidRecipients", ExchangeErrorCodes.InvalidRecipients, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorMissingRecipients", ExchangeErrorCodes.InvalidRecipients, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorMimeContentInvalid", ExchangeErrorCodes.InvalidMimeContent, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorMimeContentInvalidBase64String", ExchangeErrorCodes.InvalidMimeContent, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorSendAsDenied", ExchangeErrorCodes.SendAsDenied, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorQuotaExceeded", ExchangeErrorCodes.MailboxQuotaExceeded, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorSubmissionQuotaExceeded", ExchangeErrorCodes.SubmissionQuotaExceeded, ExchangeErrorClass.Transient)]
    [InlineData("ErrorAccessDenied", ExchangeErrorCodes.AccessDenied, ExchangeErrorClass.Permanent)]
    public void Soap_faults_map_to_stable_codes_and_classes(string responseCode, string code, ExchangeErrorClass errorClass)
    {
        var error = Classify(HttpStatusCode.InternalServerError, Fault(responseCode, "text"));

        Assert.Equal(code, error.Code);
        Assert.Equal(errorClass, error.ErrorClass);
        Assert.Equal(responseCode, error.ResponseCode);
        Assert.False(string.IsNullOrWhiteSpace(error.Remediation));
    }

    [Theory]
    [InlineData("ErrorInvalidRecipients")]
    [InlineData("ErrorSendAsDenied")]
    [InlineData("ErrorQuotaExceeded")]
    [InlineData("ErrorMessageSizeExceeded")]
    [InlineData("ErrorSubmissionQuotaExceeded")]
    [InlineData("ErrorServerBusy")]
    [InlineData("ErrorImpersonateUserDenied")]
    public void A_refusal_that_exchange_answered_is_never_retried_as_a_send_and_leaves_no_doubt_about_the_outcome(string responseCode)
    {
        var error = Classify(HttpStatusCode.InternalServerError, Fault(responseCode, "text"));

        Assert.False(error.OutcomeUnknown);
        Assert.False(ExchangeErrorClassifier.AnswerLeavesOutcomeOpen(error));
        Assert.Equal(responseCode == "ErrorServerBusy", ExchangeErrorClassifier.IsRetryableWithinCall(error, operationIsIdempotent: false));
    }

    [Theory]
    [InlineData("ErrorInternalServerError")]
    [InlineData("ErrorTimeoutExpired")]
    public void An_internal_error_answer_leaves_the_outcome_of_a_send_open(string responseCode)
    {
        var error = Classify(HttpStatusCode.InternalServerError, Fault(responseCode, "text"));

        Assert.True(ExchangeErrorClassifier.AnswerLeavesOutcomeOpen(error));
        Assert.False(ExchangeErrorClassifier.IsRetryableWithinCall(error, operationIsIdempotent: false));
    }

    [Fact]
    public void A_gateway_error_leaves_the_outcome_open_but_an_iis_503_does_not()
    {
        Assert.True(ExchangeErrorClassifier.AnswerLeavesOutcomeOpen(Classify(HttpStatusCode.BadGateway, "<html/>", "text/html")));
        Assert.True(ExchangeErrorClassifier.AnswerLeavesOutcomeOpen(Classify(HttpStatusCode.GatewayTimeout, "<html/>", "text/html")));
        Assert.False(ExchangeErrorClassifier.AnswerLeavesOutcomeOpen(Classify(HttpStatusCode.ServiceUnavailable, "<html/>", "text/html")));
    }

    [Fact]
    public void Impersonation_denied_tells_the_admin_the_exact_cmdlet_and_account()
    {
        var error = Classify(HttpStatusCode.InternalServerError,
            Fault("ErrorImpersonateUserDenied", "The account does not have permission to impersonate the requested user."));

        Assert.Contains("New-ManagementRoleAssignment", error.Remediation, StringComparison.Ordinal);
        Assert.Contains("ApplicationImpersonation", error.Remediation, StringComparison.Ordinal);
        Assert.Contains("svc@contoso.local", error.Remediation, StringComparison.Ordinal);
        Assert.Contains("alice@contoso.local", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fault_code_qname_is_used_when_the_detail_has_no_response_code()
    {
        const string Body = """
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>
              <faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorNonExistentMailbox</faultcode>
              <faultstring>The SMTP address has no mailbox associated with it.</faultstring>
            </s:Fault></s:Body></s:Envelope>
            """;

        Assert.Equal(ExchangeErrorCodes.MailboxNotFound, Classify(HttpStatusCode.InternalServerError, Body).Code);
    }

    [Fact]
    public void Internal_server_error_with_an_inner_server_busy_is_throttling()
    {
        const string Body = """
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
              <m:GetFolderResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
                <m:ResponseMessages>
                  <m:GetFolderResponseMessage ResponseClass="Error">
                    <m:MessageText>An internal server error occurred. The operation failed.</m:MessageText>
                    <m:ResponseCode>ErrorInternalServerError</m:ResponseCode>
                    <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
                    <m:MessageXml><t:Value Name="InnerErrorResponseCode">ErrorServerBusy</t:Value><t:Value Name="BackOffMilliseconds">250</t:Value></m:MessageXml>
                    <m:Folders/>
                  </m:GetFolderResponseMessage>
                </m:ResponseMessages>
              </m:GetFolderResponse>
            </s:Body></s:Envelope>
            """;
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Body, Encoding.UTF8, "text/xml") };
        var (envelope, error) = ExchangeErrorClassifier.ReadEwsResponse(response, Context);
        Assert.Null(error);

        var message = Ews.Xml.EwsResponseReader.ReadResponseMessages(envelope!.BodyContent!).Single();
        var itemError = ExchangeErrorClassifier.FromResponseMessage(message, Context, null);

        Assert.Equal(ExchangeErrorCodes.ServerBusy, itemError.Code);
        Assert.Equal(TimeSpan.FromMilliseconds(250), itemError.BackOff);
        Assert.Equal(200, itemError.HttpStatusCode);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, ExchangeErrorCodes.AuthenticationFailed, ExchangeErrorClass.Permanent)]
    [InlineData(HttpStatusCode.Forbidden, ExchangeErrorCodes.AccessForbidden, ExchangeErrorClass.Permanent)]
    [InlineData(HttpStatusCode.NotFound, ExchangeErrorCodes.EwsEndpointNotFound, ExchangeErrorClass.Permanent)]
    [InlineData(HttpStatusCode.ServiceUnavailable, ExchangeErrorCodes.ServiceUnavailable, ExchangeErrorClass.Transient)]
    [InlineData(HttpStatusCode.BadGateway, ExchangeErrorCodes.ServiceUnavailable, ExchangeErrorClass.Transient)]
    [InlineData(HttpStatusCode.TooManyRequests, ExchangeErrorCodes.ServerBusy, ExchangeErrorClass.Transient)]
    [InlineData(HttpStatusCode.Found, ExchangeErrorCodes.UnexpectedRedirect, ExchangeErrorClass.Permanent)]
    [InlineData(HttpStatusCode.BadRequest, ExchangeErrorCodes.UnexpectedHttpStatus, ExchangeErrorClass.Permanent)]
    public void Http_statuses_without_soap_map_to_codes(HttpStatusCode status, string code, ExchangeErrorClass errorClass)
    {
        var error = Classify(status, "<html><body>IIS</body></html>", "text/html");

        Assert.Equal(code, error.Code);
        Assert.Equal(errorClass, error.ErrorClass);
        Assert.Equal((int)status, error.HttpStatusCode);
    }

    [Fact]
    public void Http_503_honours_retry_after_as_back_off_and_may_be_retried_for_any_operation()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("") };
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));

        var error = ExchangeErrorClassifier.FromHttpStatus(response, Context);

        Assert.Equal(TimeSpan.FromSeconds(7), error.BackOff);
        Assert.True(ExchangeErrorClassifier.IsRetryableWithinCall(error, operationIsIdempotent: false));
    }

    [Fact]
    public void A_401_for_basic_mentions_the_upn_form_and_the_virtual_directory_and_lists_offered_schemes()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.Add(new AuthenticationHeaderValue("NTLM"));
        response.Headers.WwwAuthenticate.Add(new AuthenticationHeaderValue("Negotiate"));

        var error = ExchangeErrorClassifier.FromHttpStatus(response, Context);

        Assert.Contains("UPN", error.Remediation, StringComparison.Ordinal);
        Assert.Contains("BasicAuthentication", error.Remediation, StringComparison.Ordinal);
        Assert.Contains("NTLM, Negotiate", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw", error.Message.Split(' '), StringComparer.Ordinal);
    }

    [Fact]
    public void Html_with_200_is_not_an_ews_endpoint_and_html_with_500_is_a_transient_server_failure()
    {
        Assert.Equal(ExchangeErrorCodes.UnexpectedResponse, Classify(HttpStatusCode.OK, "<html>login</html>", "text/html").Code);

        var serverError = Classify(HttpStatusCode.InternalServerError, "<html>Runtime Error</html>", "text/html");
        Assert.Equal(ExchangeErrorCodes.ExchangeInternalError, serverError.Code);
        Assert.True(serverError.IsTransient);
    }

    [Fact]
    public void Truncated_xml_is_malformed_and_transient_but_xml_that_is_not_soap_is_permanent()
    {
        var truncated = Classify(HttpStatusCode.OK, "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><m:GetFol");
        Assert.Equal(ExchangeErrorCodes.MalformedResponse, truncated.Code);
        Assert.True(truncated.IsTransient);
        Assert.False(ExchangeErrorClassifier.IsRetryableWithinCall(truncated, operationIsIdempotent: false));
        Assert.True(ExchangeErrorClassifier.IsRetryableWithinCall(truncated, operationIsIdempotent: true));

        var notSoap = Classify(HttpStatusCode.OK, "<Autodiscover xmlns=\"urn:x\"/>");
        Assert.Equal(ExchangeErrorCodes.UnexpectedResponse, notSoap.Code);
        Assert.False(notSoap.IsTransient);
    }

    [Fact]
    public void A_body_that_is_not_xml_at_all_is_permanent()
    {
        var error = Classify(HttpStatusCode.OK, "{\"error\":\"gateway\"}", "application/json");

        Assert.Equal(ExchangeErrorCodes.UnexpectedResponse, error.Code);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public void Soap_envelope_in_the_https_namespace_is_rejected_as_not_soap()
    {
        var error = Classify(HttpStatusCode.OK, "<s:Envelope xmlns:s=\"https://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>");

        Assert.Equal(ExchangeErrorCodes.UnexpectedResponse, error.Code);
    }

    public static TheoryData<Exception, string, ExchangeErrorClass> TransportFailures => new()
    {
        { new HttpRequestException(HttpRequestError.ConnectionError, "x", new SocketException((int)SocketError.ConnectionRefused)), ExchangeErrorCodes.ConnectionRefused, ExchangeErrorClass.Transient },
        { new HttpRequestException(HttpRequestError.ConnectionError, "x", new SocketException((int)SocketError.HostNotFound)), ExchangeErrorCodes.HostNotFound, ExchangeErrorClass.Permanent },
        { new HttpRequestException(HttpRequestError.NameResolutionError, "x", new SocketException((int)SocketError.TryAgain)), ExchangeErrorCodes.DnsResolutionFailed, ExchangeErrorClass.Transient },
        { new HttpRequestException(HttpRequestError.ConnectionError, "x", new SocketException((int)SocketError.TimedOut)), ExchangeErrorCodes.ConnectionFailed, ExchangeErrorClass.Transient },
        { new HttpRequestException(HttpRequestError.SecureConnectionError, "x", new AuthenticationException("handshake")), ExchangeErrorCodes.TlsHandshakeFailed, ExchangeErrorClass.Permanent },
        { new HttpRequestException(HttpRequestError.ResponseEnded, "x", new IOException("closed")), ExchangeErrorCodes.ConnectionDropped, ExchangeErrorClass.Transient },
        { new HttpRequestException("copy failed", new IOException("reset", new SocketException((int)SocketError.ConnectionReset))), ExchangeErrorCodes.ConnectionDropped, ExchangeErrorClass.Transient },
        { new HttpRequestException(HttpRequestError.ConnectionError, "x", new OutboundAddressBlockedException("meta", IPAddress.Parse("169.254.169.254"), new AddressVerdict(false, BlockedAddressKind.NeverAllowed, "a link-local address"))), ExchangeErrorCodes.OutboundAddressBlocked, ExchangeErrorClass.Permanent },
    };

    [Theory]
    [MemberData(nameof(TransportFailures))]
    public void Transport_exceptions_map_to_codes(Exception exception, string code, ExchangeErrorClass errorClass)
    {
        var error = ExchangeErrorClassifier.FromException(exception, Context, validator: null);

        Assert.NotNull(error);
        Assert.Equal(code, error.Code);
        Assert.Equal(errorClass, error.ErrorClass);
    }

    [Fact]
    public void Dropped_connections_are_not_retried_for_non_idempotent_operations_but_refused_ones_are()
    {
        var dropped = ExchangeErrorClassifier.FromException(new HttpRequestException(HttpRequestError.ResponseEnded, "x"), Context, null)!;
        var refused = ExchangeErrorClassifier.FromException(
            new HttpRequestException(HttpRequestError.ConnectionError, "x", new SocketException((int)SocketError.ConnectionRefused)), Context, null)!;

        Assert.False(ExchangeErrorClassifier.IsRetryableWithinCall(dropped, operationIsIdempotent: false));
        Assert.True(ExchangeErrorClassifier.IsRetryableWithinCall(dropped, operationIsIdempotent: true));
        Assert.True(ExchangeErrorClassifier.IsRetryableWithinCall(refused, operationIsIdempotent: false));
    }

    [Fact]
    public void Programming_errors_are_not_disguised_as_exchange_errors()
    {
        Assert.Null(ExchangeErrorClassifier.FromException(new InvalidOperationException("bug"), Context, null));
    }

    [Fact]
    public void Blocked_address_error_names_the_address_and_the_setting_to_change()
    {
        var error = ExchangeErrors.OutboundBlocked("mail.contoso.local", "10.1.2.3", new AddressVerdict(false, BlockedAddressKind.PrivateNetwork, "a private network address"));

        Assert.Equal(ExchangeErrorClass.Permanent, error.ErrorClass);
        Assert.Contains("10.1.2.3", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowedNetworks", error.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_version_message_names_the_product_and_build()
    {
        var error = ExchangeErrors.UnsupportedVersionDetected(new ExchangeServerVersion(14, 3, 123, 4, "Exchange2010_SP2"));

        Assert.Equal(ExchangeErrorCodes.UnsupportedServerVersion, error.Code);
        Assert.Contains("Exchange Server 2010 or older", error.Message, StringComparison.Ordinal);
        Assert.Contains("14.3.123.4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_public_code_is_pascal_case_and_documented_in_the_readme()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Exchange", "README.md"));
        var codes = typeof(ExchangeErrorCodes).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToArray();

        Assert.NotEmpty(codes);
        foreach (var code in codes)
        {
            Assert.Matches("^[A-Z][A-Za-z0-9]+$", code);
            Assert.Contains($"| `{code}` |", readme, StringComparison.Ordinal);
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ExSync.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }
}
