namespace ExSync.Persistence.Coordination;

/// <summary>
/// One running ExSync process. It beats regularly; the others judge it alive by watching <see cref="Beat"/> change on their own
/// clocks, so instances on machines whose clocks disagree still agree on who is alive.
/// </summary>
public sealed class InstanceRecord
{
    /// <summary>Chosen at start; also the owner written on the leases the instance holds.</summary>
    public Guid Id { get; set; }

    /// <summary>Machine and process, for operators.</summary>
    public string Name { get; set; } = "";

    /// <summary>The roles it runs (Api, Worker).</summary>
    public string Roles { get; set; } = "";

    /// <summary>When it started.</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>When it last beat, by its own clock (for operators; liveness is judged by <see cref="Beat"/>).</summary>
    public DateTimeOffset HeartbeatAt { get; set; }

    /// <summary>Incremented at every beat.</summary>
    public long Beat { get; set; }
}

/// <summary>A duty performed by one instance at a time. A live owner keeps it; when its owner is gone, another instance takes it.</summary>
public sealed class SingletonLease
{
    /// <summary>The duty.</summary>
    public string Name { get; set; } = "";

    /// <summary>The instance performing it.</summary>
    public Guid OwnerId { get; set; }

    /// <summary>When the owner took it.</summary>
    public DateTimeOffset AcquiredAt { get; set; }
}

/// <summary>
/// How many concurrent connections to one server profile's Exchange an instance may open, and how many it would like. The grants of
/// all live instances together never exceed the profile's maxConcurrentConnections.
/// </summary>
public sealed class ConnectionGrant
{
    /// <summary>The server profile.</summary>
    public Guid ServerProfileId { get; set; }

    /// <summary>The instance.</summary>
    public Guid InstanceId { get; set; }

    /// <summary>Connections the instance may have open at once.</summary>
    public int Granted { get; set; }

    /// <summary>Connections the instance would use if it could (in flight plus waiting).</summary>
    public int Demand { get; set; }

    /// <summary>When the row last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
