using ExSync.Domain.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ExSync.Persistence;

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("Jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Id).ValueGeneratedNever();
        builder.Property(j => j.CreatedBy).HasMaxLength(200);
        builder.Property(j => j.TargetEmailAddress).HasMaxLength(254);
        builder.Property(j => j.RequestId).HasMaxLength(200);
        builder.Property(j => j.RequestFingerprint).HasMaxLength(64);
        builder.Property(j => j.ErrorCode).HasMaxLength(100);
        builder.Property(j => j.ErrorMessage).HasMaxLength(4000);
        builder.Ignore(j => j.Processed);
        builder.Ignore(j => j.IsFinished);
        builder.Ignore(j => j.PercentComplete);

        // A Repeatability-Request-ID identifies one job per caller.
        builder.HasIndex(j => new { j.CreatedBy, j.RequestId }).IsUnique().HasFilter("\"RequestId\" IS NOT NULL");

        // The worker looks for unfinished jobs; retention for old finished ones.
        builder.HasIndex(j => new { j.Status, j.CreatedAt });
        builder.HasIndex(j => j.CompletedAt);
    }
}

internal sealed class JobItemConfiguration : IEntityTypeConfiguration<JobItem>
{
    public void Configure(EntityTypeBuilder<JobItem> builder)
    {
        builder.ToTable("JobItems");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedOnAdd();
        builder.Property(i => i.EmailAddress).HasMaxLength(254);
        builder.Property(i => i.LeaseOwner).HasMaxLength(100);
        builder.Property(i => i.ErrorCode).HasMaxLength(100);
        builder.HasOne<Job>().WithMany().HasForeignKey(i => i.JobId).OnDelete(DeleteBehavior.Cascade);

        // Claiming scans a job's pending and expired items in order; results page through a job's items in order;
        // the retest scheduler skips mailboxes that already have an unfinished item.
        builder.HasIndex(i => new { i.JobId, i.State, i.Id });
        builder.HasIndex(i => new { i.JobId, i.Id });
        builder.HasIndex(i => new { i.MailboxId, i.State });

        // The major-failure rule counts a profile's recent failures.
        builder.HasIndex(i => new { i.ServerProfileId, i.CompletedAt });
    }
}
