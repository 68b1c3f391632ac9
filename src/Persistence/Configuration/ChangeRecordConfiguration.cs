using ExSync.Domain.Changes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ExSync.Persistence;

internal sealed class ChangeRecordConfiguration : IEntityTypeConfiguration<ChangeRecord>
{
    public void Configure(EntityTypeBuilder<ChangeRecord> builder)
    {
        builder.ToTable("Changes");
        builder.HasKey(c => c.Sequence);

        // SQLite: INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL: an identity column. Both never hand out a value twice, even after
        // the rows holding the largest ones were pruned, so a cursor never points past a change it has not seen.
        builder.Property(c => c.Sequence).ValueGeneratedOnAdd();
        builder.Property(c => c.ObjectType).HasMaxLength(ChangeObjectTypes.MaxLength);
        builder.Property(c => c.ObjectId).HasMaxLength(ChangeRecord.ObjectIdMaxLength);

        // Retention finds the first change to keep by time.
        builder.HasIndex(c => c.OccurredAt);
    }
}

internal sealed class ChangeFeedStateConfiguration : IEntityTypeConfiguration<ChangeFeedState>
{
    public void Configure(EntityTypeBuilder<ChangeFeedState> builder)
    {
        builder.ToTable("ChangeFeedState");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();

        // One row from the start, so that retention only ever updates it.
        builder.HasData(new ChangeFeedState { Id = ChangeFeedState.SingletonId, PrunedThrough = 0 });
    }
}
