using ExSync.Domain.Jobs;
using ExSync.Engine;
using ExSync.Engine.Exchange;
using ExSync.Engine.Instances;
using ExSync.Engine.Jobs;
using ExSync.Engine.Secrets;
using ExSync.Engine.Sync;
using ExSync.Engine.Sync.Incoming;
using ExSync.Engine.Sync.Outgoing;
using ExSync.Engine.Sync.Notifications;
using ExSync.Engine.TestAndEnable;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ExSync's background engines: jobs and their handlers, the schedulers, and the coordination of instances.</summary>
public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// Adds what both roles need: launching jobs, secrets, the Exchange client with the profiles' connection settings, and the job
    /// handlers. The background services themselves come with <see cref="AddExSyncWorker"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration, for the settings that must be read at registration (the key ring's certificate).</param>
    /// <param name="roles">The roles this process plays.</param>
    /// <param name="ephemeralSecrets">Keep Data Protection keys in memory only (while the build generates openapi.json).</param>
    public static IServiceCollection AddExSyncEngine(this IServiceCollection services, IConfiguration configuration, InstanceRoles roles, bool ephemeralSecrets)
    {
        services.AddExSyncPersistence();
        services.AddSecretProtection(configuration, ephemeralSecrets);
        services.AddMetrics();
        services.AddSingleton(new InstanceIdentity(roles));
        services.AddOptions<InstanceOptions>().BindConfiguration(InstanceOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<InstanceOptions>, InstanceOptionsValidator>();
        services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JobOptions>, JobOptionsValidator>();
        services.AddOptions<SyncOptions>().BindConfiguration(SyncOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SyncOptions>, SyncOptionsValidator>();

        services.AddSingleton<JobSignal>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobQueueDepth>();
        services.AddSingleton<EngineMetrics>();
        services.AddScoped<JobLauncher>();
        services.AddSingleton<ExchangeConnections>();
        services.AddSingleton<MailboxTester>();
        services.AddSingleton<SyncSignal>();
        services.AddSingleton<SyncReconcileSignal>();
        services.AddSingleton<SyncWorkloads>();
        services.AddSingleton<SyncStarts>();
        services.AddScoped<CredentialsChangeRetry>();
        services.AddOutgoingEmailSignal();
        services.AddWebhooks();

        // Every kind of job, and the handler that processes it.
        services.AddJobHandler<TestAndEnableJobHandler>(JobKind.TestAndEnableMailboxes, JobKind.TestAndEnableServerProfileMailboxes, JobKind.RetestScheduledMailboxes,
            JobKind.RetestAfterCredentialsChange);
        services.AddJobHandler<ConnectionTestJobHandler>(JobKind.TestConnection);
        return services;
    }

    /// <summary>Adds the background services of the Worker role: the job worker, the schedulers, and connection grant coordination.</summary>
    public static IServiceCollection AddExSyncWorker(this IServiceCollection services)
    {
        services.AddSingleton<JobHandlers>();
        services.AddSingleton<JobBatchRecorder>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<SingletonLeases>();
        services.AddHostedService<InstanceHeartbeat>();
        services.AddHostedService<ConnectionGrantCoordinator>();
        services.AddHostedService<JobWorker>();
        services.AddHostedService<RetestScheduler>();
        services.AddHostedService<RetentionDuty>();
        services.AddHostedService<SyncWorker>();
        services.AddHostedService<SyncReconciler>();
        services.AddHostedService<MailboxNotifications>();
        services.AddWebhookDelivery();

        // Every direction of mailbox synchronization, each with its handler.
        services.AddIncomingEmailSync();
        services.AddOutgoingEmailSync();
        return services;
    }

    /// <summary>Registers the handler of one synchronization direction: the one place a new kind of synchronization is added.</summary>
    public static IServiceCollection AddSyncWorkload<THandler>(this IServiceCollection services)
        where THandler : class, ISyncWorkloadHandler
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISyncWorkloadHandler, THandler>());
        return services;
    }

    /// <summary>Registers the handler of one or more kinds of job: the one place a new kind of job is added.</summary>
    public static IServiceCollection AddJobHandler<THandler>(this IServiceCollection services, params JobKind[] kinds)
        where THandler : class, IJobHandler
    {
        services.TryAddSingleton<THandler>();
        foreach (var kind in kinds)
        {
            services.AddSingleton(new JobHandlerRegistration(kind, typeof(THandler)));
        }

        return services;
    }
}
