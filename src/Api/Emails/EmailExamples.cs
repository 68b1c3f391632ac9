namespace ExSync.Api.Emails;

/// <summary>
/// A realistic request body for the OpenAPI document, which Swagger UI prefills. RequestExampleTests sends it to a fresh service and
/// expects success, so it stays valid as the rules change.
/// </summary>
internal static class EmailExamples
{
    public static EmailInput Create { get; } = new()
    {
        MailboxId = Guid.Parse("3f2b8c1e-7d4a-4e6b-9c0d-5a1f2e3b4c6d"),
        Subject = "Your quote for 200 licences",
        Body = new EmailBodyInput { ContentType = Domain.Emails.EmailBodyContentType.Html, Content = "<p>Dear Paula,</p><p>Please find the quote attached.</p>" },
        To = [new EmailRecipientInput { Record = new EmailRecordInput { RecordType = Domain.Directory.DirectoryRecordType.Contact, RecordId = "contact-paula-price" } }],
        Cc = [new EmailRecipientInput { EmailAddress = "purchasing@fabrikam.example", Name = "Fabrikam Purchasing" }],
        Regarding = new EmailRegardingInput { RecordType = "Opportunity", RecordId = "b7e2c9d4-1f3a-4c5e-9d8b-7a6f5e4d3c2b" },
    };

    public static EmailInput Patch { get; } = new()
    {
        Regarding = new EmailRegardingInput { RecordType = "Opportunity", RecordId = "b7e2c9d4-1f3a-4c5e-9d8b-7a6f5e4d3c2b" },
    };
}
