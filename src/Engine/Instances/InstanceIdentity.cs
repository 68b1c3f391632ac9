namespace ExSync.Engine.Instances;

/// <summary>The roles an ExSync process can play; one binary plays any of them (configuration <c>Roles</c>).</summary>
[Flags]
public enum InstanceRoles
{
    /// <summary>Nothing (not a valid configuration).</summary>
    None = 0,

    /// <summary>Serves the HTTP API.</summary>
    Api = 1,

    /// <summary>Runs the background engines: jobs, schedulers, and the synchronization workloads.</summary>
    Worker = 2,

    /// <summary>Both (the default).</summary>
    All = Api | Worker,
}

/// <summary>This process, as the other instances sharing the database know it.</summary>
public sealed class InstanceIdentity
{
    /// <summary>Creates the identity of this process.</summary>
    public InstanceIdentity(InstanceRoles roles)
    {
        Roles = roles;
        var machine = Environment.MachineName;
        Name = $"{machine[..Math.Min(100, machine.Length)]}/{Environment.ProcessId}";
    }

    /// <summary>Chosen at start; a restarted process is a new instance.</summary>
    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>Machine and process id, for operators.</summary>
    public string Name { get; }

    /// <summary>The roles this process plays.</summary>
    public InstanceRoles Roles { get; }

    /// <summary>Whether the process runs the background engines.</summary>
    public bool IsWorker => Roles.HasFlag(InstanceRoles.Worker);

    /// <summary>The owner written on the job items this instance leases, so they can be released the moment it is known to be gone.</summary>
    public string LeaseOwner => OwnerOf(Id);

    /// <summary>The lease owner of an instance.</summary>
    public static string OwnerOf(Guid instanceId) => instanceId.ToString("N");
}
