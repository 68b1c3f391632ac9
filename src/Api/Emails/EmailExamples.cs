namespace ExSync.Api.Emails;

/// <summary>
/// A realistic request body for the OpenAPI document, which Swagger UI prefills. RequestExampleTests sends it to a fresh service and
/// expects success, so it stays valid as the rules change.
/// </summary>
internal static class EmailExamples
{
    public static EmailInput Patch { get; } = new()
    {
        Regarding = new EmailRegardingInput { RecordType = "Opportunity", RecordId = "b7e2c9d4-1f3a-4c5e-9d8b-7a6f5e4d3c2b" },
    };
}
