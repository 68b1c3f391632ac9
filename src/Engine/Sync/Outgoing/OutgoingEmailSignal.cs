using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ExSync.Engine.Sync.Outgoing;

/// <summary>
/// Tells the sending engine that email became due (the CRM asked to send it), so that sending starts within seconds rather than at the
/// engine's next poll. Called after the commit; the database stays the truth, and a lost notification only delays the send until then.
/// </summary>
public interface IOutgoingEmailSignal
{
    /// <summary>Wakes the sending engine of this process.</summary>
    void Notify();
}

/// <summary>The signal of a process that does not send email: it wakes nothing.</summary>
public sealed class NoOutgoingEmailSignal : IOutgoingEmailSignal
{
    /// <inheritdoc />
    public void Notify()
    {
    }
}

/// <summary>Registers the outgoing email signal.</summary>
public static class OutgoingEmailSignalRegistration
{
    /// <summary>Adds the no-op signal unless the sending engine registered its own first.</summary>
    public static IServiceCollection AddOutgoingEmailSignal(this IServiceCollection services)
    {
        services.TryAddSingleton<IOutgoingEmailSignal, NoOutgoingEmailSignal>();
        return services;
    }
}
