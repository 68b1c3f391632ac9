namespace ExSync.ExchangeSimulator;

/// <summary>A failure injected into requests that match an operation and a mailbox.</summary>
public sealed class ScenarioFault
{
    /// <summary>
    /// The EWS operation (for example "GetFolder", "CreateItem"), "*" for every EWS operation,
    /// or "Autodiscover" for both autodiscover endpoints.
    /// </summary>
    public string Operation { get; set; } = "*";

    /// <summary>The targeted mailbox (impersonated or own mailbox; the requested address for autodiscover), or null for any.</summary>
    public string? Mailbox { get; set; }

    /// <summary>What goes wrong.</summary>
    public SimulatedFaultKind Kind { get; set; }

    /// <summary>How many matching requests fail; 0 means every matching request, forever.</summary>
    public int Times { get; set; }

    /// <summary>BackOffMilliseconds reported with <see cref="SimulatedFaultKind.ServerBusy"/> (and Retry-After for Http503, inner error for InternalServerError).</summary>
    public int BackOffMilliseconds { get; set; } = 5000;

    /// <summary>
    /// For <see cref="SimulatedFaultKind.Hang"/>: how long to stall before answering normally; 0 stalls until the client
    /// gives up or the simulator stops.
    /// </summary>
    public int DelayMilliseconds { get; set; }

    /// <summary>For <see cref="SimulatedFaultKind.SoapFault"/> and <see cref="SimulatedFaultKind.ItemError"/>: the EWS ResponseCode.</summary>
    public string? ResponseCode { get; set; }

    /// <summary>For <see cref="SimulatedFaultKind.SoapFault"/> and <see cref="SimulatedFaultKind.ItemError"/>: the message text.</summary>
    public string? Message { get; set; }
}
