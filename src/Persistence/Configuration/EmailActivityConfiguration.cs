using System.Text.Json;
using System.Text.Json.Serialization;
using ExSync.Domain.Emails;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ExSync.Persistence;

internal sealed class EmailActivityConfiguration : IEntityTypeConfiguration<EmailActivity>
{
    // Parties and references are read and written with their email, never searched: one JSON column each.
    private static readonly JsonSerializerOptions PartsJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Configure(EntityTypeBuilder<EmailActivity> builder)
    {
        builder.ToTable("Emails");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Subject).HasMaxLength(EmailActivity.SubjectMaxLength);
        builder.Property(e => e.InternetMessageId).HasMaxLength(998);
        builder.Property(e => e.DeduplicationKey).HasMaxLength(EmailActivity.SynthesizedKeyPrefix.Length + MessageIds.MaxLength);
        builder.Property(e => e.InReplyTo).HasMaxLength(998);
        builder.Property(e => e.ConversationId).HasMaxLength(EmailActivity.ConversationIdMaxLength);
        builder.Property(e => e.TrackingToken).HasMaxLength(EmailActivity.TrackingTokenMaxLength);
        builder.Property(e => e.RegardingRecordType).HasMaxLength(EmailRegarding.RecordTypeMaxLength);
        builder.Property(e => e.RegardingRecordId).HasMaxLength(EmailRegarding.RecordIdMaxLength);
        builder.Property(e => e.Version).IsConcurrencyToken();
        builder.Property(e => e.LastSendErrorCode).HasMaxLength(EmailActivity.SendErrorCodeMaxLength);
        builder.Property(e => e.LastSendErrorMessage).HasMaxLength(EmailActivity.SendErrorMessageMaxLength);
        builder.Ignore(e => e.ReceivingMailboxIds);
        builder.Ignore(e => e.Regarding);
        builder.Ignore(e => e.Content);

        builder.Property(e => e.From).HasConversion(Json<EmailParty?>());
        builder.Property(e => e.To).HasConversion(Json<IReadOnlyList<EmailParty>>(), ListComparer<EmailParty>());
        builder.Property(e => e.Cc).HasConversion(Json<IReadOnlyList<EmailParty>>(), ListComparer<EmailParty>());
        builder.Property(e => e.Bcc).HasConversion(Json<IReadOnlyList<EmailParty>>(), ListComparer<EmailParty>());
        builder.Property(e => e.References).HasConversion(Json<IReadOnlyList<string>>(), ListComparer<string>());

        builder.HasMany(e => e.Mailboxes).WithOne().HasForeignKey(m => m.EmailId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(e => e.Mailboxes).HasField("mailboxes").UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasMany(e => e.Attachments).WithOne().HasForeignKey(a => a.EmailId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(e => e.Attachments).HasField("attachments").UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasOne(e => e.Body).WithOne().HasForeignKey<EmailBody>(b => b.EmailId).OnDelete(DeleteBehavior.Cascade);

        // One activity per message per deployment.
        builder.HasIndex(e => e.DeduplicationKey).IsUnique();

        // The list's filters (each pages in id order) and the engine's correlation by tracking token.
        builder.HasIndex(e => new { e.ConversationId, e.Id });
        builder.HasIndex(e => new { e.RegardingRecordId, e.Id });
        builder.HasIndex(e => new { e.Direction, e.Id });
        builder.HasIndex(e => e.ActivityDate);
        builder.HasIndex(e => e.TrackingToken);

        // A mailbox's sending cycle claims its due email (Status PendingSend, NextSendAttemptAt at or before now) and abandoned email
        // (Sending) from this index, and idle mailboxes poll it; every other email has NextSendAttemptAt null.
        builder.HasIndex(e => new { e.MailboxId, e.Status, e.NextSendAttemptAt });
    }

    private static ValueConverter<T, string> Json<T>() => new(
        value => JsonSerializer.Serialize(value, PartsJson),
        json => JsonSerializer.Deserialize<T>(json, PartsJson)!);

    private static ValueComparer<IReadOnlyList<T>> ListComparer<T>() => new(
        (a, b) => a!.SequenceEqual(b!),
        list => list.Aggregate(0, (hash, item) => HashCode.Combine(hash, item)),
        list => list.ToList());
}

internal sealed class EmailMailboxLinkConfiguration : IEntityTypeConfiguration<EmailMailboxLink>
{
    public void Configure(EntityTypeBuilder<EmailMailboxLink> builder)
    {
        builder.ToTable("EmailMailboxes");
        builder.HasKey(m => new { m.EmailId, m.MailboxId });

        // The mailboxId filter reads a mailbox's emails in id order from this index alone. No foreign key to Mailboxes: an email stays
        // when a mailbox that received it is deleted.
        builder.HasIndex(m => new { m.MailboxId, m.EmailId });
    }
}

internal sealed class EmailBodyConfiguration : IEntityTypeConfiguration<EmailBody>
{
    public void Configure(EntityTypeBuilder<EmailBody> builder)
    {
        builder.ToTable("EmailBodies");
        builder.HasKey(b => b.EmailId);
        builder.Ignore(b => b.Text);
    }
}

internal sealed class EmailAttachmentConfiguration : IEntityTypeConfiguration<EmailAttachment>
{
    public void Configure(EntityTypeBuilder<EmailAttachment> builder)
    {
        builder.ToTable("EmailAttachments");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Name).HasMaxLength(EmailAttachment.NameMaxLength);
        builder.Property(a => a.ContentType).HasMaxLength(EmailAttachment.ContentTypeMaxLength);
        builder.Property(a => a.ContentId).HasMaxLength(EmailAttachment.NameMaxLength);
        builder.Ignore(a => a.Skipped);
        builder.HasIndex(a => new { a.EmailId, a.Position });

        // The content lives in a table of its own, so reading an email's attachments never reads their bytes.
        builder.HasOne(a => a.Content).WithOne().HasForeignKey<EmailAttachmentContent>(c => c.AttachmentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EmailAttachmentContentConfiguration : IEntityTypeConfiguration<EmailAttachmentContent>
{
    public void Configure(EntityTypeBuilder<EmailAttachmentContent> builder)
    {
        builder.ToTable("EmailAttachmentContents");
        builder.HasKey(c => c.AttachmentId);
    }
}
