using ExSync.Domain.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ExSync.Persistence;

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> builder)
    {
        builder.ToTable("Alerts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Code).HasMaxLength(100);
        builder.Property(a => a.Title).HasMaxLength(500);
        builder.Property(a => a.Message).HasMaxLength(4000);
        builder.Property(a => a.Remediation).HasMaxLength(4000);
        builder.Property(a => a.RecipientId).HasMaxLength(200);
        builder.Property(a => a.RecipientEmailAddress).HasMaxLength(254);

        // Alerts are read per mailbox, per profile and per recipient, newest last (ids grow with time).
        builder.HasIndex(a => new { a.MailboxId, a.Id });
        builder.HasIndex(a => new { a.ServerProfileId, a.Code, a.CreatedAt });
        builder.HasIndex(a => new { a.RecipientId, a.Id });
        builder.HasIndex(a => a.CreatedAt);
    }
}
