using Microsoft.AspNetCore.DataProtection;

namespace ExSync.Api.Infrastructure.Secrets;

/// <summary>Data Protection with a persisted key ring, so encrypted secrets can still be read after a restart.</summary>
public static class SecretProtectionSetup
{
    public static WebApplicationBuilder AddSecretProtection(this WebApplicationBuilder builder)
    {
        var keysDirectory = builder.Configuration["DataProtection:KeysDirectory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(AppContext.BaseDirectory, "keys");

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
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keysDirectory));
        }
        builder.Services.AddSingleton<SecretProtector>();
        return builder;
    }
}
