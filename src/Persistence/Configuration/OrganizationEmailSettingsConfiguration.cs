using ExSync.Domain.Organization;
using ExSync.Domain.ServerProfiles;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ExSync.Persistence;

internal sealed class OrganizationEmailSettingsConfiguration : IEntityTypeConfiguration<OrganizationEmailSettings>
{
    public void Configure(EntityTypeBuilder<OrganizationEmailSettings> builder)
    {
        builder.ToTable("OrganizationEmailSettings");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Revision).IsConcurrencyToken();
        builder.ComplexProperty(s => s.Alerts);
        builder.Property(s => s.TrackingTokenPrefix).HasMaxLength(OrganizationEmailSettings.TrackingTokenPrefixMaxLength);
        builder.Property(s => s.TrackingCategoryName).HasMaxLength(OrganizationEmailSettings.TrackingCategoryNameMaxLength);
        builder.Ignore(s => s.TrackingToken);
        builder.Ignore(s => s.UndeliverableCategoryName);
        builder.Ignore(s => s.MaxAttachmentSizeBytes);
        builder.HasOne<ServerProfile>().WithMany().HasForeignKey(s => s.DefaultServerProfileId).OnDelete(DeleteBehavior.Restrict);
    }
}
