using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExSync.ExchangeSimulator;

/// <summary>Everything the request handlers share: the scenario, live state, counters, accounts and endpoints.</summary>
internal sealed class SimulatorRuntime
{
    public SimulatorRuntime(SimulatorScenario scenario, TimeProvider time)
    {
        // A private deep copy: later edits to the caller's scenario object must not race with running requests.
        Scenario = SimulatorScenario.Parse(scenario.ToJson());
        Time = time;
        Profile = ExchangeServerProfile.For(Scenario.Server.Version);
        State = new SimulatorState(Scenario, time);
        Accounts = new AccountDirectory(Scenario.Accounts);
        Tokens = new BearerTokenService(Scenario.OAuthApplications, time);
        Endpoints = new SimulatorEndpoints(Scenario.Server.Autodiscover);
        Mail = new MailDelivery(State, time);
    }

    public SimulatorScenario Scenario { get; }

    public ScenarioServer Server => Scenario.Server;

    public TimeProvider Time { get; }

    /// <summary>The front-end server's version profile; a mailbox may override it.</summary>
    public ExchangeServerProfile Profile { get; }

    public SimulatorState State { get; }

    public SimulatorRequestCounters Requests { get; } = new();

    public AccountDirectory Accounts { get; }

    public BearerTokenService Tokens { get; }

    public SimulatorEndpoints Endpoints { get; }

    public SyncStateCodec SyncStates { get; } = new();

    /// <summary>Delivers Internet messages into mailboxes (SMTP, CreateItem sends, the host's DeliverMessage).</summary>
    public MailDelivery Mail { get; }

    /// <summary>Signalled when the host stops, so stalled ("Hang") requests end promptly.</summary>
    public CancellationToken Stopping { get; private set; }

    public ILoggerFactory LoggerFactory { get; private set; } = NullLoggerFactory.Instance;

    public void AttachLifetime(IHostApplicationLifetime lifetime, IServiceProvider services)
    {
        Stopping = lifetime.ApplicationStopping;
        LoggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
    }

    public ExchangeServerProfile ProfileFor(MailboxStore mailbox) =>
        mailbox.VersionOverride is { } version ? ExchangeServerProfile.For(version) : Profile;
}

/// <summary>The simulator's own URLs, known only once Kestrel has bound its ports.</summary>
internal sealed class SimulatorEndpoints(ScenarioAutodiscover autodiscover)
{
    private readonly TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Uri? _httpsBaseAddress;
    private Uri? _httpBaseAddress;

    public Uri HttpsBaseAddress => _httpsBaseAddress ?? throw new InvalidOperationException("The simulator has not started.");

    public Uri HttpBaseAddress => _httpBaseAddress ?? throw new InvalidOperationException("The simulator has not started.");

    public Uri EwsUrl => new(HttpsBaseAddress, "EWS/Exchange.asmx");

    /// <summary>The internal EWS URL autodiscover hands out: the scenario's override, else our own.</summary>
    public string AutodiscoverInternalEwsUrl => autodiscover.EwsUrl ?? EwsUrl.AbsoluteUri;

    public string AutodiscoverExternalEwsUrl => autodiscover.ExternalEwsUrl ?? AutodiscoverInternalEwsUrl;

    /// <summary>Completes once the addresses are known; a request racing start-up waits for it.</summary>
    public Task Published => _published.Task;

    public void Publish((Uri Https, Uri Http) addresses)
    {
        _httpsBaseAddress = addresses.Https;
        _httpBaseAddress = addresses.Http;
        _published.TrySetResult();
    }
}
