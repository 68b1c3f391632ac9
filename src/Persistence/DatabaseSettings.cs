using Microsoft.Extensions.Configuration;

namespace ExSync.Persistence;

/// <summary>Which database ExSync uses, read from <c>Database:Provider</c> and <c>ConnectionStrings:ExSync</c>.</summary>
public sealed class DatabaseSettings
{
    /// <summary>The configuration key of the provider.</summary>
    public const string ProviderKey = "Database:Provider";

    /// <summary>The name of the connection string.</summary>
    public const string ConnectionStringName = "ExSync";

    /// <summary>The SQLite database used when no connection string is configured.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=exsync.db";

    /// <summary>The provider.</summary>
    public required DatabaseProvider Provider { get; init; }

    /// <summary>The connection string as configured (SQLite's relative file names are resolved by <see cref="Sqlite.SqliteSetup"/>).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>How long startup waits for an unreachable or locked database before giving up with a message.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reads and checks the settings; throws <see cref="InvalidSettingException"/> naming the setting at fault.</summary>
    public static DatabaseSettings From(IConfiguration configuration)
    {
        var providerText = configuration[ProviderKey];
        DatabaseProvider provider;
        if (string.IsNullOrWhiteSpace(providerText))
        {
            provider = DatabaseProvider.Sqlite;
        }
        else if (!Enum.TryParse(providerText.Trim(), ignoreCase: true, out provider) || !Enum.IsDefined(provider))
        {
            throw new InvalidSettingException(ProviderKey, $"'{providerText}' is not a database provider; use Sqlite (the default) or PostgreSql.");
        }

        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (connectionString is not null && string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidSettingException(
                $"ConnectionStrings:{ConnectionStringName}",
                provider == DatabaseProvider.Sqlite
                    ? $"the connection string is empty; remove it to use the default ({DefaultSqliteConnectionString}) or give one such as 'Data Source=/var/lib/exsync/exsync.db'."
                    : "the connection string is empty; give one such as 'Host=db.contoso.com;Database=exsync;Username=exsync;Password=…'.");
        }

        if (provider == DatabaseProvider.PostgreSql && connectionString is null)
        {
            throw new InvalidSettingException(
                $"ConnectionStrings:{ConnectionStringName}",
                "Database:Provider is PostgreSql but no connection string is configured; give one such as 'Host=db.contoso.com;Database=exsync;Username=exsync;Password=…'.");
        }

        var timeoutText = configuration["Database:StartupTimeout"];
        var timeout = TimeSpan.FromSeconds(30);
        if (!string.IsNullOrWhiteSpace(timeoutText) && (!TimeSpan.TryParse(timeoutText, System.Globalization.CultureInfo.InvariantCulture, out timeout) || timeout < TimeSpan.Zero || timeout > TimeSpan.FromHours(1)))
        {
            throw new InvalidSettingException("Database:StartupTimeout", $"'{timeoutText}' is not a duration between 0 and 1 hour (for example 00:00:30).");
        }

        return new DatabaseSettings { Provider = provider, ConnectionString = connectionString ?? DefaultSqliteConnectionString, StartupTimeout = timeout };
    }
}

/// <summary>
/// A setting (or what it points at) that ExSync cannot start with. Throw it during startup with a message that says what to change: the
/// process then ends with that one line and a non-zero exit code, not with a crash.
/// </summary>
/// <param name="setting">The configuration key at fault, such as <c>ConnectionStrings:ExSync</c>; the message always names it.</param>
/// <param name="problem">What is wrong and what to do about it.</param>
/// <param name="innerException">The failure that revealed the problem, if any.</param>
public sealed class InvalidSettingException(string setting, string problem, Exception? innerException = null)
    : Exception(problem.Contains(setting, StringComparison.Ordinal) ? problem : $"{setting}: {problem}", innerException)
{
    /// <summary>The configuration key at fault.</summary>
    public string Setting { get; } = setting;
}
