using ExSync.Domain.Directory;

namespace ExSync.Api.DirectoryEntries;

/// <summary>
/// Realistic request bodies for the OpenAPI document, which Swagger UI prefills. RequestExampleTests sends each one to a fresh service
/// and expects success, so they stay valid as the rules change.
/// </summary>
internal static class DirectoryEntryExamples
{
    public static DirectoryEntryInput Put { get; } = new()
    {
        RecordType = DirectoryRecordType.Contact,
        RecordId = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
        DisplayName = "Maria Garcia (Fabrikam)",
        EmailAddresses = ["maria.garcia@fabrikam.com", "maria@garcia.example"],
    };

    public static DirectoryBulkUpsertInput Bulk { get; } = new()
    {
        Entries =
        [
            new DirectoryBulkEntryInput
            {
                Id = "contact-3f2a9c1e",
                RecordType = DirectoryRecordType.Contact,
                RecordId = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
                DisplayName = "Maria Garcia (Fabrikam)",
                EmailAddresses = ["maria.garcia@fabrikam.com"],
            },
            new DirectoryBulkEntryInput
            {
                Id = "account-8d1e4f2a",
                RecordType = DirectoryRecordType.Account,
                RecordId = "8d1e4f2a-0c3b-4a5d-8e6f-7a8b9c0d1e2f",
                DisplayName = "Fabrikam, Inc.",
                EmailAddresses = ["info@fabrikam.com", "orders@fabrikam.com"],
            },
        ],
    };
}
