using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ExSync.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExSync.Engine.Secrets;

/// <summary>
/// Data Protection with its key ring in the database, so that every instance decrypts every stored secret. With
/// <c>DataProtection:Certificate:Path</c> the keys themselves are encrypted at rest with that certificate.
/// </summary>
public static partial class SecretProtectionSetup
{
    private const string CertificatePathKey = "DataProtection:Certificate:Path";
    private const string CertificatePasswordKey = "DataProtection:Certificate:Password";

    /// <summary>
    /// Adds <see cref="SecretProtector"/> over Data Protection. <paramref name="ephemeral"/>: keys in memory only (build-time runs).
    /// The certificate settings are read now, from <paramref name="configuration"/>: Data Protection takes its key encryption at registration.
    /// </summary>
    public static IServiceCollection AddSecretProtection(this IServiceCollection services, IConfiguration configuration, bool ephemeral)
    {
        var dataProtection = services.AddDataProtection()
            // A fixed application name keeps the keys usable whatever directory or machine the application runs from.
            .SetApplicationName("ExSync");
        if (ephemeral)
        {
            dataProtection.UseEphemeralDataProtectionProvider();
        }
        else
        {
            dataProtection.PersistKeysToDbContext<ExSyncDbContext>();
            if (Certificate(configuration) is { } certificate)
            {
                dataProtection.ProtectKeysWithCertificate(certificate);
            }

            services.AddSingleton<IDatabaseSeed, DataProtectionKeySeed>();
        }

        services.AddSingleton<SecretProtector>();
        return services;
    }

    private static X509Certificate2? Certificate(IConfiguration configuration)
    {
        if (configuration[CertificatePathKey] is not { Length: > 0 } path)
        {
            return null;
        }

        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, configuration[CertificatePasswordKey], X509KeyStorageFlags.EphemeralKeySet);
            return certificate.HasPrivateKey
                ? certificate
                : throw new InvalidSettingException(CertificatePathKey, $"the certificate in '{path}' has no private key; the key ring cannot be decrypted without it.");
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidSettingException(CertificatePathKey, $"'{path}' cannot be read as a PKCS#12 (.pfx) certificate with {CertificatePasswordKey}: {ex.Message}");
        }
    }

    /// <summary>
    /// Makes sure the key ring has a key before any instance serves a request, under the startup lock, so instances starting together
    /// do not each create their own first key. Keys of an earlier version, kept in files (<c>DataProtection:KeysDirectory</c>, default
    /// <c>keys</c> beside the application), are imported first, so that secrets stored then can still be decrypted.
    /// </summary>
    private sealed partial class DataProtectionKeySeed(IKeyManager keys, IConfiguration configuration, TimeProvider time, ILogger<DataProtectionKeySeed> logger) : IDatabaseSeed
    {
        public async Task SeedAsync(ExSyncDbContext db, CancellationToken cancellationToken)
        {
            if (!await db.DataProtectionKeys.AnyAsync(cancellationToken))
            {
                var directory = configuration["DataProtection:KeysDirectory"] is { Length: > 0 } configured
                    ? Path.GetFullPath(configured)
                    : Path.Combine(AppContext.BaseDirectory, "keys");
                var files = Directory.Exists(directory) ? Directory.GetFiles(directory, "key-*.xml") : [];
                foreach (var file in files)
                {
                    db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = Path.GetFileNameWithoutExtension(file), Xml = await File.ReadAllTextAsync(file, cancellationToken) });
                }

                if (files.Length > 0)
                {
                    await db.SaveChangesAsync(cancellationToken);
                    LogImported(logger, files.Length, directory);
                }
            }

            var now = time.GetUtcNow();
            if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now.AddDays(2)))
            {
                keys.CreateNewKey(now, now.AddDays(90));
            }
        }

        [LoggerMessage(Level = LogLevel.Information, Message = "Imported {Count} Data Protection keys from {Directory} into the database; the directory is no longer used")]
        private static partial void LogImported(ILogger logger, int count, string directory);
    }
}
