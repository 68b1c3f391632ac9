using Microsoft.Extensions.DependencyInjection;

namespace ExSync.Engine.Sync.Incoming;

public static class IncomingEmailRegistration
{
    /// <summary>Incoming email synchronization: the handler and the parts it takes items in with.</summary>
    public static IServiceCollection AddIncomingEmailSync(this IServiceCollection services)
    {
        services.AddSingleton<Correlation>();
        services.AddSingleton<AttachmentReader>();
        services.AddSingleton<ItemDecider>();
        services.AddSingleton<ItemIntake>();
        services.AddSingleton<ItemStamper>();
        return services.AddSyncWorkload<IncomingEmailSync>();
    }
}
