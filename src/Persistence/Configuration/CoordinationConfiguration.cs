using ExSync.Persistence.Coordination;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ExSync.Persistence;

internal sealed class InstanceConfiguration : IEntityTypeConfiguration<InstanceRecord>
{
    public void Configure(EntityTypeBuilder<InstanceRecord> builder)
    {
        builder.ToTable("Instances");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.Name).HasMaxLength(200);
        builder.Property(i => i.Roles).HasMaxLength(50);
    }
}

internal sealed class SingletonLeaseConfiguration : IEntityTypeConfiguration<SingletonLease>
{
    public void Configure(EntityTypeBuilder<SingletonLease> builder)
    {
        builder.ToTable("SingletonLeases");
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(100);
    }
}

internal sealed class ConnectionGrantConfiguration : IEntityTypeConfiguration<ConnectionGrant>
{
    public void Configure(EntityTypeBuilder<ConnectionGrant> builder)
    {
        builder.ToTable("ConnectionGrants");
        // No foreign key to Instances: an instance may publish a grant before its first heartbeat row exists. The heartbeat deletes a
        // departed instance's grants itself.
        builder.HasKey(g => new { g.ServerProfileId, g.InstanceId });
    }
}

internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> builder) => builder.ToTable("DataProtectionKeys");
}
