using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace ExSync.Api.Infrastructure.Secrets;

/// <summary>Data Protection with a persisted key ring, so encrypted secrets can still be read after a restart.</summary>
public static class SecretProtectionSetup
{
    public static WebApplicationBuilder AddSecretProtection(this WebApplicationBuilder builder)
    {
        var dataProtection = builder.Services.AddDataProtection()
            // A fixed application name keeps the keys usable when the app is deployed to another directory.
            .SetApplicationName("ExSync");

        // Build-time OpenAPI generation starts the app; it must not create keys anywhere.
        if (builder.Environment.IsBuild())
        {
            dataProtection.UseEphemeralDataProtectionProvider();
        }
        else
        {
            // Resolved lazily, like the connection string, so that a test host's configuration is seen.
            builder.Services.AddOptions<KeyManagementOptions>().Configure<IConfiguration, ILoggerFactory>((options, configuration, loggers) =>
                options.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(KeysDirectory(configuration)), loggers));
        }

        builder.Services.AddSingleton<SecretProtector>();
        return builder;
    }

    /// <summary>Where the key ring lives: DataProtection:KeysDirectory, or a keys folder beside the application.</summary>
    private static string KeysDirectory(IConfiguration configuration) =>
        configuration["DataProtection:KeysDirectory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(AppContext.BaseDirectory, "keys");
}
