using System.Text.Json;
using ExSync.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ExSync.Persistence;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    /// <summary>How the changed fields are stored; the audit trail's set-based insert writes the same form.</summary>
    private static readonly JsonSerializerOptions ChangesJson = new(JsonSerializerDefaults.Web);

    /// <summary>The stored form of the changed fields, for set-based inserts.</summary>
    public static string SerializeChanges(IReadOnlyList<AuditChange> changes) => JsonSerializer.Serialize(changes, ChangesJson);

    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.ToTable("AuditEvents");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.ActorId).HasMaxLength(200);
        builder.Property(e => e.Operation).HasMaxLength(100);
        builder.Property(e => e.TargetType).HasMaxLength(100);
        builder.Property(e => e.TargetId).HasMaxLength(100);

        // Audit events are written once and read as a whole, so the changed fields are one JSON column.
        builder.Property(e => e.Changes)
            .HasConversion(new ValueConverter<IReadOnlyList<AuditChange>, string>(
                changes => JsonSerializer.Serialize(changes, ChangesJson),
                json => JsonSerializer.Deserialize<List<AuditChange>>(json, ChangesJson) ?? new List<AuditChange>()))
            .Metadata.SetValueComparer(new ValueComparer<IReadOnlyList<AuditChange>>((a, b) => a!.SequenceEqual(b!), c => c.Count, c => c.ToList()));

        // Filtered by actor, by target, by operation, newest last.
        builder.HasIndex(e => new { e.ActorId, e.Id });
        builder.HasIndex(e => new { e.TargetId, e.Id });
        builder.HasIndex(e => new { e.Operation, e.Id });
        builder.HasIndex(e => e.OccurredAt);
    }
}
