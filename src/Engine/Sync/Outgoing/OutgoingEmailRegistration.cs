using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Sync.Outgoing;

public static class OutgoingEmailRegistration
{
    /// <summary>Outgoing email: the handler that sends through Exchange, and the parts it records outcomes with.</summary>
    public static IServiceCollection AddOutgoingEmailSync(this IServiceCollection services)
    {
        services.AddOptions<OutgoingEmailOptions>().BindConfiguration(OutgoingEmailOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OutgoingEmailOptions>, OutgoingEmailOptionsValidator>();
        services.AddSingleton<SendOutcomeRecorder>();
        services.AddSingleton<SendFailures>();
        return services.AddSyncWorkload<OutgoingEmailSync>();
    }
}
