using ExSync.Domain.Mailboxes;
using ExSync.Domain.Sync;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ExSync.Persistence;

internal sealed class SyncWorkloadConfiguration : IEntityTypeConfiguration<SyncWorkload>
{
    public void Configure(EntityTypeBuilder<SyncWorkload> builder)
    {
        builder.ToTable("SyncWorkloads");
        builder.HasKey(w => new { w.MailboxId, w.Direction });
        builder.Property(w => w.LeaseOwner).HasMaxLength(100);
        builder.OwnsOne(w => w.LastError, error =>
        {
            error.Property(e => e.Code).HasMaxLength(100);
            error.Property(e => e.Message).HasMaxLength(4000);
            error.Property(e => e.Remediation).HasMaxLength(4000);
        });
        builder.Property(w => w.Revision).IsConcurrencyToken();
        builder.HasOne<Mailbox>().WithMany().HasForeignKey(w => w.MailboxId).OnDelete(DeleteBehavior.Cascade);

        // Workers claim the workloads that are due, earliest first; the mailbox list filters on state.
        builder.HasIndex(w => w.NextRunAt);
        builder.HasIndex(w => new { w.State, w.MailboxId });
        builder.HasIndex(w => w.LeaseOwner).HasFilter("\"LeaseOwner\" IS NOT NULL");
    }
}

internal sealed class FolderSyncStateConfiguration : IEntityTypeConfiguration<FolderSyncState>
{
    public void Configure(EntityTypeBuilder<FolderSyncState> builder)
    {
        builder.ToTable("FolderSyncStates");
        builder.HasKey(f => new { f.MailboxId, f.Folder });

        // Exchange's states are opaque and grow with the folder; no length limit is safe.
        builder.Property(f => f.SyncState);
        builder.HasOne<Mailbox>().WithMany().HasForeignKey(f => f.MailboxId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ExchangeItemLinkConfiguration : IEntityTypeConfiguration<ExchangeItemLink>
{
    public void Configure(EntityTypeBuilder<ExchangeItemLink> builder)
    {
        builder.ToTable("ExchangeItemLinks");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Id).ValueGeneratedOnAdd();

        // EWS ids are case-sensitive base64 and can exceed 500 characters.
        builder.Property(l => l.ItemId).HasMaxLength(1024);
        builder.Property(l => l.WrittenChangeKey).HasMaxLength(512);
        builder.Property(l => l.LastReason).HasMaxLength(100);
        builder.HasOne<Mailbox>().WithMany().HasForeignKey(l => l.MailboxId).OnDelete(DeleteBehavior.Cascade);

        // A replayed change finds its item's link; a stamped copy or moved item finds the mailbox's link to its activity.
        builder.HasIndex(l => new { l.MailboxId, l.ItemId }).IsUnique();
        builder.HasIndex(l => new { l.MailboxId, l.EmailId });
        // Each cycle reads a mailbox's links with work left (failed items, marks not yet written): few, among every item the mailbox
        // ever tracked. Only those are in this index, in id order.
        builder.HasIndex(l => new { l.MailboxId, l.Id }, "IX_ExchangeItemLinks_Unfinished").HasFilter($"\"State\" = '{nameof(ItemLinkState.Failed)}' OR \"StampPending\"");
    }
}

internal sealed class SyncItemEventConfiguration : IEntityTypeConfiguration<SyncItemEvent>
{
    public void Configure(EntityTypeBuilder<SyncItemEvent> builder)
    {
        builder.ToTable("SyncItemEvents");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Property(e => e.ItemId).HasMaxLength(1024);
        builder.Property(e => e.InternetMessageId).HasMaxLength(998);
        builder.Property(e => e.Subject).HasMaxLength(255);
        builder.Property(e => e.ReasonCode).HasMaxLength(100);
        builder.Property(e => e.Detail).HasMaxLength(2000);
        builder.HasOne<Mailbox>().WithMany().HasForeignKey(e => e.MailboxId).OnDelete(DeleteBehavior.Cascade);

        // A mailbox's events are listed newest first; retention deletes by age.
        builder.HasIndex(e => new { e.MailboxId, e.Id });
        builder.HasIndex(e => e.OccurredAt);
    }
}
