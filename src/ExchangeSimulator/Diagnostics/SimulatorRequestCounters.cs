using System.Collections.Concurrent;

namespace ExSync.ExchangeSimulator;

/// <summary>The autodiscover requests the simulator distinguishes when counting.</summary>
public enum AutodiscoverRequestKind
{
    /// <summary>POST /autodiscover/autodiscover.svc (SOAP GetUserSettings), after authentication.</summary>
    SoapGetUserSettings,

    /// <summary>POST /autodiscover/autodiscover.xml (POX), after authentication.</summary>
    Pox,

    /// <summary>GET /autodiscover/autodiscover.xml: the endpoint probe (X-SOAP-Enabled), with or without credentials, or the plain-HTTP redirect.</summary>
    GetProbe,
}

/// <summary>
/// Thread-safe request counters, so tests and benchmarks can assert round trips.
/// EWS requests are counted once authenticated and once the operation and target mailbox are known (including
/// requests that then fail with a fault); 401 challenges are counted separately and never as operations.
/// </summary>
public sealed class SimulatorRequestCounters
{
    private readonly ConcurrentDictionary<string, Counter> _byOperation = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter> _byMailbox = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string Operation, string Mailbox), Counter> _byOperationAndMailbox = new(OperationMailboxComparer.Instance);
    private readonly ConcurrentDictionary<string, Counter> _autodiscoverByMailbox = new(StringComparer.OrdinalIgnoreCase);
    private readonly Counter[] _autodiscoverByKind = [new(), new(), new()];
    private readonly Counter _total = new();
    private readonly Counter _challenges = new();
    private readonly Counter _tokenRequests = new();
    private readonly Gauge _inFlight = new();
    private readonly ConcurrentDictionary<string, Gauge> _inFlightByAccount = new(StringComparer.OrdinalIgnoreCase);
    private readonly Gauge _hanging = new();
    private readonly ConcurrentDictionary<string, Gauge> _hangingByAccount = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>EWS operations counted since start or the last <see cref="Reset"/>.</summary>
    public long Total => _total.Value;

    /// <summary>401 responses sent (Basic/NTLM/Bearer challenges and rejected credentials).</summary>
    public long AuthenticationChallenges => _challenges.Value;

    /// <summary>Requests to the OAuth token endpoint.</summary>
    public long TokenRequests => _tokenRequests.Value;

    /// <summary>All autodiscover requests of every kind.</summary>
    public long AutodiscoverTotal => _autodiscoverByKind.Sum(counter => counter.Value);

    /// <summary>EWS requests for an operation (for example "GetFolder").</summary>
    public long Count(string operation) => _byOperation.TryGetValue(operation, out var counter) ? counter.Value : 0;

    /// <summary>EWS requests for an operation that targeted a mailbox.</summary>
    public long Count(string operation, string smtpAddress) =>
        _byOperationAndMailbox.TryGetValue((operation, smtpAddress), out var counter) ? counter.Value : 0;

    /// <summary>EWS requests that targeted a mailbox (the impersonated mailbox, or the caller's own).</summary>
    public long CountForMailbox(string smtpAddress) => _byMailbox.TryGetValue(smtpAddress, out var counter) ? counter.Value : 0;

    /// <summary>Autodiscover requests of a kind.</summary>
    public long AutodiscoverCount(AutodiscoverRequestKind kind) => _autodiscoverByKind[(int)kind].Value;

    /// <summary>Autodiscover requests (SOAP and POX) that asked about an email address.</summary>
    public long AutodiscoverCountForMailbox(string emailAddress) =>
        _autodiscoverByMailbox.TryGetValue(emailAddress, out var counter) ? counter.Value : 0;

    /// <summary>
    /// The most requests (EWS, autodiscover, token; authentication round trips included) the simulator was handling at the same time,
    /// since start or the last <see cref="Reset"/>: what a client's connection limit must keep within bounds. Open streaming
    /// connections (GetStreamingEvents) are not counted here, as Exchange's EWSMaxConcurrency does not count them; see
    /// <see cref="PeakHangingConnections"/>.
    /// </summary>
    public long PeakConcurrentRequests => _inFlight.Peak;

    /// <summary>The most authenticated requests of one account (a service account, or an application) handled at the same time.</summary>
    public long PeakConcurrentRequestsOf(string account) => _inFlightByAccount.TryGetValue(account, out var gauge) ? gauge.Peak : 0;

    /// <summary>Streaming connections (GetStreamingEvents) open now.</summary>
    public long HangingConnections => _hanging.Current;

    /// <summary>The most streaming connections open at the same time, since start or the last <see cref="Reset"/>.</summary>
    public long PeakHangingConnections => _hanging.Peak;

    /// <summary>The most streaming connections one account held open at the same time.</summary>
    public long PeakHangingConnectionsOf(string account) => _hangingByAccount.TryGetValue(account, out var gauge) ? gauge.Peak : 0;

    /// <summary>A snapshot of the per-operation counts.</summary>
    public IReadOnlyDictionary<string, long> SnapshotByOperation() =>
        _byOperation.ToDictionary(pair => pair.Key, pair => pair.Value.Value, StringComparer.Ordinal);

    /// <summary>A snapshot of the per-mailbox counts.</summary>
    public IReadOnlyDictionary<string, long> SnapshotByMailbox() =>
        _byMailbox.ToDictionary(pair => pair.Key, pair => pair.Value.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>Sets every counter back to zero.</summary>
    public void Reset()
    {
        // Counters are zeroed in place rather than removed, so a request counted concurrently is never lost
        // into a counter that was already detached from the dictionary.
        foreach (var counter in _byOperation.Values.Concat(_byMailbox.Values).Concat(_byOperationAndMailbox.Values)
                     .Concat(_autodiscoverByMailbox.Values).Concat(_autodiscoverByKind))
        {
            counter.Reset();
        }

        _total.Reset();
        _challenges.Reset();
        _tokenRequests.Reset();
        foreach (var gauge in _inFlightByAccount.Values.Concat(_hangingByAccount.Values).Append(_inFlight).Append(_hanging))
        {
            gauge.ResetPeak();
        }
    }

    /// <summary>Counts a request in flight until the returned scope is disposed.</summary>
    internal InFlightScope TrackRequest() => new(_inFlight, _hanging);

    /// <summary>Counts an authenticated request of an account in flight until the returned scope is disposed.</summary>
    internal InFlightScope TrackRequestOf(string account) =>
        new(_inFlightByAccount.GetOrAdd(account, static _ => new Gauge()), _hangingByAccount.GetOrAdd(account, static _ => new Gauge()));

    internal void RecordOperation(string operation, string? mailbox)
    {
        _total.Increment();
        _byOperation.GetOrAdd(operation, static _ => new Counter()).Increment();
        if (!string.IsNullOrEmpty(mailbox))
        {
            _byMailbox.GetOrAdd(mailbox, static _ => new Counter()).Increment();
            _byOperationAndMailbox.GetOrAdd((operation, mailbox), static _ => new Counter()).Increment();
        }
    }

    internal void RecordAutodiscover(AutodiscoverRequestKind kind, string? emailAddress)
    {
        _autodiscoverByKind[(int)kind].Increment();
        if (!string.IsNullOrEmpty(emailAddress))
        {
            _autodiscoverByMailbox.GetOrAdd(emailAddress, static _ => new Counter()).Increment();
        }
    }

    internal void RecordChallenge() => _challenges.Increment();

    internal void RecordTokenRequest() => _tokenRequests.Increment();

    private sealed class Counter
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);

        public void Reset() => Interlocked.Exchange(ref _value, 0);
    }

    /// <summary>How many requests are in flight, and the most there have been.</summary>
    internal sealed class Gauge
    {
        private long _current;
        private long _peak;

        public long Current => Interlocked.Read(ref _current);

        public long Peak => Interlocked.Read(ref _peak);

        public void Enter()
        {
            var now = Interlocked.Increment(ref _current);
            long peak;
            while (now > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
            {
                // Another request raised the peak meanwhile; compare again.
            }
        }

        public void Exit() => Interlocked.Decrement(ref _current);

        public void ResetPeak() => Interlocked.Exchange(ref _peak, Interlocked.Read(ref _current));
    }

    /// <summary>
    /// A request counted in a gauge until disposed; a streaming request moves itself from the request gauge to the
    /// hanging-connection gauge once it knows it will hang.
    /// </summary>
    internal sealed class InFlightScope : IDisposable
    {
        private readonly Gauge _hanging;
        private Gauge? _current;

        public InFlightScope(Gauge requests, Gauge hanging)
        {
            _hanging = hanging;
            _current = requests;
            requests.Enter();
        }

        public void BecomeHanging()
        {
            if (_current is { } current && !ReferenceEquals(current, _hanging))
            {
                _hanging.Enter();
                current.Exit();
                _current = _hanging;
            }
        }

        public void Dispose()
        {
            _current?.Exit();
            _current = null;
        }
    }

    private sealed class OperationMailboxComparer : IEqualityComparer<(string Operation, string Mailbox)>
    {
        public static readonly OperationMailboxComparer Instance = new();

        public bool Equals((string Operation, string Mailbox) x, (string Operation, string Mailbox) y) =>
            string.Equals(x.Operation, y.Operation, StringComparison.Ordinal) &&
            string.Equals(x.Mailbox, y.Mailbox, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string Operation, string Mailbox) obj) =>
            HashCode.Combine(StringComparer.Ordinal.GetHashCode(obj.Operation), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Mailbox));
    }
}
