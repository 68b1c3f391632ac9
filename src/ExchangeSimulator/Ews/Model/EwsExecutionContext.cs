namespace ExSync.ExchangeSimulator;

/// <summary>What an operation executes against: the acting mailbox, the caller and any forced per-item error.</summary>
internal sealed class EwsExecutionContext(SimulatorRuntime runtime, AuthenticatedCaller caller, MailboxStore mailbox, ItemError? forcedItemError)
{
    public SimulatorRuntime Runtime { get; } = runtime;

    public AuthenticatedCaller Caller { get; } = caller;

    /// <summary>The impersonated mailbox, or the caller's own.</summary>
    public MailboxStore Mailbox { get; } = mailbox;

    /// <summary>Set by an injected ItemError/InternalServerError fault: every response message reports it.</summary>
    public ItemError? ForcedItemError { get; } = forcedItemError;
}
