using ExSync.Domain.Common;
using ExSync.Domain.Directory;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ExSync.Persistence;

internal sealed class DirectoryEntryConfiguration : IEntityTypeConfiguration<DirectoryEntry>
{
    public void Configure(EntityTypeBuilder<DirectoryEntry> builder)
    {
        builder.ToTable("DirectoryEntries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasMaxLength(DirectoryEntry.IdMaxLength).ValueGeneratedNever();
        builder.Property(e => e.RecordId).HasMaxLength(DirectoryEntry.RecordIdMaxLength);
        builder.Property(e => e.DisplayName).HasMaxLength(DirectoryEntry.DisplayNameMaxLength);
        builder.Property(e => e.Revision).IsConcurrencyToken();
        builder.Ignore(e => e.Record);
        builder.Ignore(e => e.Content);
        builder.HasMany(e => e.EmailAddresses).WithOne().HasForeignKey(a => a.EntryId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(e => e.EmailAddresses).HasField("emailAddresses").UsePropertyAccessMode(PropertyAccessMode.Field);

        // One entry per record is checked on write (under the directory's writer lock), by record id; the recordType filter pages in id order.
        builder.HasIndex(e => new { e.RecordId, e.RecordType });
        builder.HasIndex(e => new { e.RecordType, e.Id });
    }
}

internal sealed class DirectoryEntryAddressConfiguration : IEntityTypeConfiguration<DirectoryEntryAddress>
{
    public void Configure(EntityTypeBuilder<DirectoryEntryAddress> builder)
    {
        builder.ToTable("DirectoryEntryAddresses");
        builder.HasKey(a => new { a.EntryId, a.Position });
        builder.Property(a => a.EntryId).HasMaxLength(DirectoryEntry.IdMaxLength);
        builder.Property(a => a.Address).HasMaxLength(EmailAddresses.MaxLength);
        builder.Property(a => a.NormalizedAddress).HasMaxLength(EmailAddresses.MaxLength);

        // The lookup of the engine and the emailAddress filter.
        builder.HasIndex(a => new { a.NormalizedAddress, a.EntryId });
    }
}
