using System.Text.Json;
using ExSync.Domain.Common;
using ExSync.Domain.ServerProfiles;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ExSync.Persistence;

internal sealed class ServerProfileConfiguration : IEntityTypeConfiguration<ServerProfile>
{
    public void Configure(EntityTypeBuilder<ServerProfile> builder)
    {
        builder.ToTable("ServerProfiles");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Name).HasMaxLength(ServerProfileSettings.NameMaxLength);
        builder.Property(p => p.NormalizedName).HasMaxLength(ServerProfileSettings.NameMaxLength);
        builder.HasIndex(p => p.NormalizedName).IsUnique();
        builder.Property(p => p.Description).HasMaxLength(ServerProfileSettings.DescriptionMaxLength);
        builder.Property(p => p.TrustedCaCertificatePem).HasMaxLength(ServerProfileSettings.TrustedCaCertificatePemMaxLength);
        builder.Property(p => p.Revision).IsConcurrencyToken();
        builder.Ignore(p => p.IsActive);

        builder.ComplexProperty(p => p.Owner, owner =>
        {
            owner.Property(o => o.Id).HasMaxLength(200);
            owner.Property(o => o.EmailAddress).HasMaxLength(254);
        });
        builder.ComplexProperty(p => p.Incoming, connection => connection.Property(c => c.ServerLocation).HasMaxLength(2084));
        builder.ComplexProperty(p => p.Outgoing, connection => connection.Property(c => c.ServerLocation).HasMaxLength(2084));
        builder.ComplexProperty(p => p.Advanced);

        // The authentication settings are one value whose shape depends on its type; a JSON column keeps them together
        // (secrets inside are already encrypted by the API).
        builder.Property(p => p.Authentication)
            .HasConversion(new ValueConverter<ProfileAuthentication, string>(
                value => StoredAuthentication.Serialize(value),
                json => StoredAuthentication.Deserialize(json)))
            .Metadata.SetValueComparer(new ValueComparer<ProfileAuthentication>(
                (a, b) => a == b,
                value => value.GetHashCode()));
    }

    /// <summary>The persisted form of <see cref="ProfileAuthentication"/>.</summary>
    private sealed record StoredAuthentication(ProfileAuthenticationType Type, StoredImpersonation? Impersonation, StoredHybridModernAuth? HybridModernAuth)
    {
        private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
        {
            Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        };

        public static string Serialize(ProfileAuthentication value) => JsonSerializer.Serialize(
            new StoredAuthentication(
                value.Type,
                value.Impersonation is { } i ? new StoredImpersonation(i.UserName, i.Password?.Ciphertext) : null,
                value.HybridModernAuth is { } h ? new StoredHybridModernAuth(h.TenantId, h.ClientId, h.ResourceUri.OriginalString, h.AuthorityUrl.OriginalString, h.ClientSecret?.Ciphertext) : null),
            Options);

        public static ProfileAuthentication Deserialize(string json)
        {
            var stored = JsonSerializer.Deserialize<StoredAuthentication>(json, Options)!;
            return ProfileAuthentication.Rehydrate(
                stored.Type,
                stored.Impersonation is { } i ? new ImpersonationAccount(i.UserName, Secret(i.Password)) : null,
                stored.HybridModernAuth is { } h
                    ? new HybridModernAuthApplication(h.TenantId, h.ClientId, new Uri(h.ResourceUri), new Uri(h.AuthorityUrl), Secret(h.ClientSecret))
                    : null);
        }

        private static EncryptedSecret? Secret(string? ciphertext) => ciphertext is null ? null : new EncryptedSecret(ciphertext);
    }

    private sealed record StoredImpersonation(string UserName, string? Password);

    private sealed record StoredHybridModernAuth(string TenantId, string ClientId, string ResourceUri, string AuthorityUrl, string? ClientSecret);
}
