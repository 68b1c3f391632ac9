using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Sync.Outgoing;

public static class OutgoingEmailRegistration
{
    /// <summary>Outgoing email: the handler that sends through Exchange, the parts it records outcomes with, and the sweep for lost signals.</summary>
    public static IServiceCollection AddOutgoingEmailSync(this IServiceCollection services)
    {
        services.AddOptions<OutgoingEmailOptions>().BindConfiguration(OutgoingEmailOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OutgoingEmailOptions>, OutgoingEmailOptionsValidator>();
        services.AddSingleton<SendOutcomeRecorder>();
        services.AddSingleton<SendFailures>();
        services.AddHostedService<OutgoingEmailSweep>();
        return services.AddSyncWorkload<OutgoingEmailSync>();
    }
}
