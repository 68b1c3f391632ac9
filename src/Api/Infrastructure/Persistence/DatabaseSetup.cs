using ExSync.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ExSync.Api.Infrastructure.Persistence;

/// <summary>The database as the host sees it: brought up to date at startup, and probed by the readiness check.</summary>
public static class DatabaseSetup
{
    /// <summary>Adds the readiness check of the database (the database itself is registered with the engine).</summary>
    public static WebApplicationBuilder AddDatabaseHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return builder;
    }

    /// <summary>
    /// Applies pending migrations and seeds what must exist (several instances may start at once). Skipped while the build generates
    /// openapi.json, when there is no database to migrate.
    /// </summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        if (app.Environment.IsBuild())
        {
            return;
        }

        await app.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(app.Lifetime.ApplicationStopping);
    }

    /// <summary>Ready only while the database answers, and says so within a few seconds when it does not.</summary>
    private sealed class DatabaseHealthCheck(IServiceScopeFactory scopes) : IHealthCheck
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(Timeout);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
                return await db.Database.CanConnectAsync(deadline.Token)
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy("The database cannot be reached.");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("The database cannot be reached.", ex);
            }
        }
    }
}
