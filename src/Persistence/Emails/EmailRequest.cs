using ExSync.Domain.Emails;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ExSync.Persistence;

/// <summary>
/// A request about an email that carried a <c>Repeatability-Request-ID</c> (creating a draft, sending): the caller's id for it and a
/// fingerprint of what it asked, stored in the same transaction as its effect. The same id again with the same fingerprint is a retry
/// and gets the email's current state instead of a second effect; with another fingerprint it is refused. Kept as long as the email.
/// </summary>
public sealed class EmailRequest
{
    /// <summary>Longest Repeatability-Request-ID.</summary>
    public const int RequestIdMaxLength = 200;

    private EmailRequest()
    {
        // For EF Core materialization.
        CallerId = null!;
        RequestId = null!;
        Fingerprint = null!;
    }

    /// <summary>A request to record.</summary>
    public EmailRequest(string callerId, string requestId, string fingerprint, Guid emailId, DateTimeOffset receivedAt)
    {
        CallerId = callerId;
        RequestId = requestId;
        Fingerprint = fingerprint;
        EmailId = emailId;
        ReceivedAt = receivedAt;
    }

    /// <summary>Who sent it (the token's subject): ids are the caller's own, so two callers may use the same.</summary>
    public string CallerId { get; private set; }

    /// <summary>The Repeatability-Request-ID.</summary>
    public string RequestId { get; private set; }

    /// <summary>A hash of the operation and its body.</summary>
    public string Fingerprint { get; private set; }

    /// <summary>The email it created or sent.</summary>
    public Guid EmailId { get; private set; }

    /// <summary>When it was first received.</summary>
    public DateTimeOffset ReceivedAt { get; private set; }
}

internal sealed class EmailRequestConfiguration : IEntityTypeConfiguration<EmailRequest>
{
    public void Configure(EntityTypeBuilder<EmailRequest> builder)
    {
        builder.ToTable("EmailRequests");
        builder.HasKey(r => new { r.CallerId, r.RequestId });
        builder.Property(r => r.CallerId).HasMaxLength(200);
        builder.Property(r => r.RequestId).HasMaxLength(EmailRequest.RequestIdMaxLength);
        builder.Property(r => r.Fingerprint).HasMaxLength(64);
        builder.HasOne<EmailActivity>().WithMany().HasForeignKey(r => r.EmailId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => r.EmailId);
    }
}
