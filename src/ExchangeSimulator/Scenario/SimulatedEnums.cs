namespace ExSync.ExchangeSimulator;

/// <summary>The Exchange product (and build) a simulated server or mailbox reports.</summary>
public enum SimulatedExchangeVersion
{
    /// <summary>Exchange 2010 SP3 (14.3.123.4).</summary>
    Exchange2010,

    /// <summary>Exchange 2013 RTM (15.0.516.32), before SP1.</summary>
    Exchange2013,

    /// <summary>Exchange 2013 SP1 (15.0.847.32).</summary>
    Exchange2013Sp1,

    /// <summary>Exchange 2016 CU23 (15.1.2507.6).</summary>
    Exchange2016,

    /// <summary>Exchange 2019 CU14 (15.2.1544.4).</summary>
    Exchange2019,

    /// <summary>Exchange Server Subscription Edition RTM (15.2.2562.17).</summary>
    ExchangeSE,
}

/// <summary>Kinds of injected failure.</summary>
public enum SimulatedFaultKind
{
    /// <summary>HTTP 500 SOAP fault ErrorServerBusy with BackOffMilliseconds in MessageXml (EWS throttling).</summary>
    ServerBusy,

    /// <summary>Plain HTTP 503 Service Unavailable from the web server (IIS request queue full), no SOAP body.</summary>
    Http503,

    /// <summary>The TCP connection is aborted without a response.</summary>
    DropConnection,

    /// <summary>HTTP 500 SOAP fault ErrorMailboxStoreUnavailable (mailbox database offline).</summary>
    MailboxStoreUnavailable,

    /// <summary>HTTP 500 SOAP fault ErrorMailboxMoveInProgress.</summary>
    MailboxMoveInProgress,

    /// <summary>HTTP 200 with every response message ResponseClass="Error" ErrorInternalServerError (inner ErrorServerBusy when BackOffMilliseconds &gt; 0).</summary>
    InternalServerError,

    /// <summary>HTTP 500 SOAP fault ErrorExceededConnectionCount (too many concurrent connections).</summary>
    ExceededConnectionCount,

    /// <summary>The request stalls (see <see cref="ScenarioFault.DelayMilliseconds"/>); used to exercise client timeouts.</summary>
    Hang,

    /// <summary>HTTP 401 even though the credentials are valid (password changed, account locked).</summary>
    Unauthorized,

    /// <summary>HTTP 500 SOAP fault with <see cref="ScenarioFault.ResponseCode"/> and <see cref="ScenarioFault.Message"/>.</summary>
    SoapFault,

    /// <summary>HTTP 200 with every response message ResponseClass="Error" and <see cref="ScenarioFault.ResponseCode"/>.</summary>
    ItemError,

    /// <summary>
    /// The request is processed in full (a message is sent and saved, an item created), then the TCP connection is
    /// aborted without a response: the client cannot tell whether it happened.
    /// </summary>
    DropAfterProcessing,

    /// <summary>
    /// The request is processed in full, then the response is withheld until the client gives up (the connection is then
    /// dropped) or, with <see cref="ScenarioFault.DelayMilliseconds"/>, sent that late.
    /// </summary>
    HangAfterProcessing,
}
