namespace ExSync.Api.Organization;

/// <summary>
/// A realistic request body for the OpenAPI document, which Swagger UI prefills. RequestExampleTests sends it to a fresh service and
/// expects success, so it stays valid as the rules change.
/// </summary>
internal static class OrganizationExamples
{
    public static OrganizationEmailSettingsInput Patch { get; } = new()
    {
        ProcessEmailsOnlyForApprovedQueues = false,
        Alerts = new AlertLevelSettingsInput { Information = false },
    };
}
