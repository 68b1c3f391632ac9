using ExSync.Domain.Mailboxes;
using ExSync.Domain.ServerProfiles;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ExSync.Persistence;

internal sealed class MailboxConfiguration : IEntityTypeConfiguration<Mailbox>
{
    public void Configure(EntityTypeBuilder<Mailbox> builder)
    {
        builder.ToTable("Mailboxes");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.Name).HasMaxLength(MailboxSettings.NameMaxLength);
        builder.Property(m => m.NormalizedName).HasMaxLength(MailboxSettings.NameMaxLength);
        builder.Property(m => m.EmailAddress).HasMaxLength(MailboxSettings.EmailAddressMaxLength);
        builder.Property(m => m.NormalizedEmailAddress).HasMaxLength(MailboxSettings.EmailAddressMaxLength);
        builder.HasIndex(m => m.NormalizedEmailAddress).IsUnique();
        builder.Property(m => m.EwsUrl).HasMaxLength(2084);
        builder.Property(m => m.Revision).IsConcurrencyToken();
        builder.Ignore(m => m.IsActive);

        builder.ComplexProperty(m => m.Owner, owner =>
        {
            owner.Property(o => o.Id).HasMaxLength(200);
            owner.Property(o => o.Name).HasMaxLength(200);
        });
        builder.ComplexProperty(m => m.LastError, error =>
        {
            error.Property(e => e.Code).HasMaxLength(100);
            error.Property(e => e.Message).HasMaxLength(4000);
        });

        // The domain refuses to delete a profile in use; the foreign key backs that up against a concurrent assignment.
        builder.HasOne<ServerProfile>().WithMany().HasForeignKey(m => m.ServerProfileId).OnDelete(DeleteBehavior.Restrict);

        // The list filters, and the scheduler's search for mailboxes due for a retry.
        builder.HasIndex(m => m.ServerProfileId);
        builder.HasIndex(m => new { m.TestScheduled, m.NextTestAt });
    }
}
