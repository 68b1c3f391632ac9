using ExSync.Persistence;
using ExSync.Persistence.PostgreSql;
using ExSync.Persistence.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ExSync's database on the configured provider.</summary>
public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ExSyncDbContext"/> (scoped, from a pool), <see cref="IDbContextFactory{ExSyncDbContext}"/> for background work,
    /// the provider's <see cref="IDatabaseDialect"/>, <see cref="SequentialIds"/>, the <see cref="DatabaseInitializer"/> and the change feed's
    /// settings (<see cref="ChangeFeedOptions"/>, checked at start). The provider
    /// and connection string are read from configuration when first needed (<c>Database:Provider</c>, <c>ConnectionStrings:ExSync</c>),
    /// so a test host's settings, applied when the host is built, are seen.
    /// </summary>
    public static IServiceCollection AddExSyncPersistence(this IServiceCollection services)
    {
        services.AddSingleton(provider => DatabaseSettings.From(provider.GetRequiredService<IConfiguration>()));

        // Time comes from TimeProvider, so tests control it; read to the precision every database stores.
        services.TryAddSingleton<TimeProvider>(new MicrosecondClock());

        // Pooled contexts skip most of the cost of creating a context per request; each provider has its own pool. Every context orders the
        // transactions that record changes (ChangeFeedOrdering).
        services.AddPooledDbContextFactory<SqliteExSyncDbContext>((provider, options) =>
        {
            SqliteSetup.Configure(options, provider.GetRequiredService<DatabaseSettings>());
            options.AddInterceptors(provider.GetRequiredService<ChangeFeedOrdering>(), provider.GetRequiredService<WebhookOutboxInterceptor>());
        });
        services.AddPooledDbContextFactory<PostgreSqlExSyncDbContext>((provider, options) =>
        {
            PostgreSqlSetup.Configure(options, provider.GetRequiredService<DatabaseSettings>());
            options.AddInterceptors(provider.GetRequiredService<ChangeFeedOrdering>(), provider.GetRequiredService<WebhookOutboxInterceptor>());
        });
        services.AddSingleton<ChangeFeedOrdering>();
        services.AddSingleton<WebhookOutboxInterceptor>();
        services.AddOptions<ChangeFeedOptions>().BindConfiguration(ChangeFeedOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ChangeFeedOptions>, ChangeFeedOptionsValidator>();
        services.AddSingleton<IDbContextFactory<ExSyncDbContext>, ExSyncDbContextFactory>();

        // Disposing the scoped context returns it to its pool.
        services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<ExSyncDbContext>>().CreateDbContext());
        services.AddSingleton<IDatabaseDialect>(provider => provider.GetRequiredService<DatabaseSettings>() is { Provider: DatabaseProvider.PostgreSql } settings
            ? new PostgreSqlDialect(settings.ConnectionString)
            : new SqliteDialect());
        services.AddSingleton<SequentialIds>();
        services.AddSingleton<DatabaseInitializer>();
        return services;
    }

    /// <summary>Creates contexts of the configured provider.</summary>
    private sealed class ExSyncDbContextFactory(DatabaseSettings settings, IServiceProvider services) : IDbContextFactory<ExSyncDbContext>
    {
        private readonly Func<ExSyncDbContext> create = settings.Provider == DatabaseProvider.PostgreSql
            ? services.GetRequiredService<IDbContextFactory<PostgreSqlExSyncDbContext>>().CreateDbContext
            : services.GetRequiredService<IDbContextFactory<SqliteExSyncDbContext>>().CreateDbContext;

        public ExSyncDbContext CreateDbContext() => create();
    }
}
