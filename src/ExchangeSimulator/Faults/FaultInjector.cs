namespace ExSync.ExchangeSimulator;

/// <summary>
/// The scenario's faults plus those added at run time. Reads are lock-free (an immutable array swapped on change)
/// because every request checks for faults; the remaining-times counter of each fault is decremented atomically so
/// "fail the next 3 requests" fails exactly 3 under concurrency.
/// </summary>
internal sealed class FaultInjector
{
    public const string AutodiscoverOperation = "Autodiscover";

    private readonly Lock _writeGate = new();
    private ActiveFault[] _faults = [];

    public FaultInjector(IEnumerable<ScenarioFault> faults)
    {
        foreach (var fault in faults)
        {
            Add(fault);
        }
    }

    public void Add(ScenarioFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_writeGate)
        {
            _faults = [.. _faults.Where(active => !active.IsExhausted), new ActiveFault(fault)];
        }
    }

    public void Clear()
    {
        lock (_writeGate)
        {
            _faults = [];
        }
    }

    /// <summary>The first active fault matching the request, consuming one of its times; null when none applies.</summary>
    public ScenarioFault? TryTake(string operation, string? mailbox)
    {
        var faults = Volatile.Read(ref _faults);
        foreach (var active in faults)
        {
            if (active.Matches(operation, mailbox) && active.TryConsume())
            {
                return active.Definition;
            }
        }

        return null;
    }

    private sealed class ActiveFault(ScenarioFault definition)
    {
        // -1 means unlimited; the definition is copied so later edits to the scenario object have no effect.
        private int _remaining = definition.Times == 0 ? -1 : definition.Times;

        public ScenarioFault Definition { get; } = new()
        {
            Operation = definition.Operation,
            Mailbox = definition.Mailbox,
            Kind = definition.Kind,
            Times = definition.Times,
            BackOffMilliseconds = definition.BackOffMilliseconds,
            DelayMilliseconds = definition.DelayMilliseconds,
            ResponseCode = definition.ResponseCode,
            Message = definition.Message,
        };

        public bool IsExhausted => Volatile.Read(ref _remaining) == 0;

        public bool Matches(string operation, string? mailbox)
        {
            var operationMatches = operation == AutodiscoverOperation
                ? string.Equals(Definition.Operation, AutodiscoverOperation, StringComparison.OrdinalIgnoreCase)
                : Definition.Operation == "*" || string.Equals(Definition.Operation, operation, StringComparison.OrdinalIgnoreCase);
            return operationMatches &&
                   (Definition.Mailbox is null || string.Equals(Definition.Mailbox, mailbox, StringComparison.OrdinalIgnoreCase));
        }

        public bool TryConsume()
        {
            while (true)
            {
                var remaining = Volatile.Read(ref _remaining);
                if (remaining < 0)
                {
                    return true;
                }

                if (remaining == 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _remaining, remaining - 1, remaining) == remaining)
                {
                    return true;
                }
            }
        }
    }
}
