using ExSync.Api.Infrastructure;
using ExSync.Api.Jobs.Engine;
using Microsoft.Extensions.Options;

namespace ExSync.Api.Jobs;

/// <summary>The job engine: launching, running and scheduling background jobs.</summary>
public static class JobsSetup
{
    public static WebApplicationBuilder AddJobs(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JobOptions>, JobOptionsValidator>();
        services.AddSingleton<JobSignal>();
        services.AddSingleton<ExchangeConcurrencyLimiter>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobItemProcessor>();
        services.AddSingleton<JobResultWriter>();
        services.AddSingleton<JobRunner>();
        services.AddScoped<JobLauncher>();
        services.AddSingleton<RetestScheduler>();

        // No background work while the build generates openapi.json.
        if (!builder.Environment.IsBuild())
        {
            services.AddHostedService<JobWorker>();
            services.AddHostedService(provider => provider.GetRequiredService<RetestScheduler>());
        }

        return builder;
    }
}
