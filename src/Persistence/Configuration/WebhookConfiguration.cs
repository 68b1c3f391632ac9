using ExSync.Domain.Common;
using ExSync.Domain.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ExSync.Persistence;

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> builder)
    {
        builder.ToTable("WebhookSubscriptions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Url).HasMaxLength(WebhookSubscription.UrlMaxLength);
        builder.Property(s => s.Description).HasMaxLength(WebhookSubscription.DescriptionMaxLength);
        builder.Property(s => s.Revision).IsConcurrencyToken();

        // Event type names contain no comma, so one column holds the list; subscriptions are few and read whole.
        builder.Property(s => s.EventTypes)
            .HasConversion(
                types => string.Join(',', types),
                text => text.Split(',', StringSplitOptions.RemoveEmptyEntries),
                new ValueComparer<IReadOnlyList<string>>((a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (h, t) => HashCode.Combine(h, t.GetHashCode(StringComparison.Ordinal))), v => v.ToArray()))
            .HasMaxLength(1000);

        // Only ciphertext is stored: the secrets are encrypted before they reach the domain.
        builder.Property(s => s.Secret).HasConversion(s => s.Ciphertext, c => new EncryptedSecret(c)).HasMaxLength(2000);
        builder.Property(s => s.PreviousSecret).HasConversion(s => s!.Ciphertext, c => new EncryptedSecret(c)).HasMaxLength(2000);
    }
}

internal sealed class WebhookEventConfiguration : IEntityTypeConfiguration<WebhookEvent>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> builder)
    {
        builder.ToTable("WebhookEvents");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Type).HasMaxLength(64);

        // The dispatcher looks for what waits in the outbox, oldest first; the credentials rule looks for an object's earlier events.
        builder.HasIndex(e => new { e.DispatchedAt, e.Id });
        builder.HasIndex(e => new { e.Type, e.ObjectId, e.OccurredAt });
        builder.HasIndex(e => e.OccurredAt);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("WebhookDeliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedNever();
        builder.Property(d => d.EventType).HasMaxLength(64);
        builder.Property(d => d.LastError).HasMaxLength(WebhookDelivery.LastErrorMaxLength);
        builder.Property(d => d.LeaseOwner).HasMaxLength(200);

        // One delivery per event and subscription, whichever dispatcher got there: a second fan-out of the same event cannot double it.
        builder.HasIndex(d => new { d.EventId, d.SubscriptionId }).IsUnique();

        // The sender claims due deliveries; the log lists a subscription's deliveries newest first, by status; replay finds them by time.
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasIndex(d => new { d.SubscriptionId, d.Id });
        builder.HasIndex(d => new { d.SubscriptionId, d.EventOccurredAt });
        builder.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<WebhookEvent>().WithMany().HasForeignKey(d => d.EventId).OnDelete(DeleteBehavior.Cascade);
    }
}
