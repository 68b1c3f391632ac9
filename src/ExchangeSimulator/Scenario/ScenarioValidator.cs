namespace ExSync.ExchangeSimulator;

/// <summary>Rejects scenarios that would make the simulator behave in surprising ways, with a message naming the culprit.</summary>
internal static class ScenarioValidator
{
    public static void ThrowIfInvalid(SimulatorScenario scenario)
    {
        var problems = new List<string>();
        Validate(scenario, problems);
        if (problems.Count > 0)
        {
            throw new InvalidDataException("The simulator scenario is invalid: " + string.Join(" ", problems));
        }
    }

    private static void Validate(SimulatorScenario scenario, List<string> problems)
    {
        if (scenario.Server is null)
        {
            problems.Add("server is required.");
            return;
        }

        if (scenario.Server.LatencyMilliseconds < 0)
        {
            problems.Add("server.latencyMilliseconds must not be negative.");
        }

        scenario.Server.ChangeTracking?.Validate(problems);
        ValidateAbsoluteUrl(scenario.Server.Autodiscover?.EwsUrl, "server.autodiscover.ewsUrl", problems);
        ValidateAbsoluteUrl(scenario.Server.Autodiscover?.ExternalEwsUrl, "server.autodiscover.externalEwsUrl", problems);
        ValidateAbsoluteUrl(scenario.Server.Autodiscover?.RedirectUrl, "server.autodiscover.redirectUrl", problems);
        ValidateAbsoluteUrl(scenario.Server.Autodiscover?.HttpRedirectLocation, "server.autodiscover.httpRedirectLocation", problems);

        var addresses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var mailbox in scenario.Mailboxes)
        {
            ValidateMailbox(mailbox, problems);
            if (!string.IsNullOrWhiteSpace(mailbox.SmtpAddress) && !addresses.Add(mailbox.SmtpAddress))
            {
                problems.Add($"mailbox {mailbox.SmtpAddress} is defined twice.");
            }
        }

        foreach (var account in scenario.Accounts)
        {
            if (string.IsNullOrWhiteSpace(account.UserName) && string.IsNullOrWhiteSpace(account.SamAccountName))
            {
                problems.Add("every account needs a userName (UPN) or a samAccountName.");
            }

            if (!string.IsNullOrWhiteSpace(account.SamAccountName) && string.IsNullOrWhiteSpace(account.Domain))
            {
                problems.Add($"account {account.SamAccountName}: samAccountName needs a domain.");
            }
        }

        foreach (var fault in scenario.Faults)
        {
            if (string.IsNullOrWhiteSpace(fault.Operation))
            {
                problems.Add("every fault needs an operation (an EWS operation name, \"*\" or \"Autodiscover\").");
            }

            if (fault.Times < 0 || fault.BackOffMilliseconds < 0 || fault.DelayMilliseconds < 0)
            {
                problems.Add($"fault {fault.Kind} on {fault.Operation}: times, backOffMilliseconds and delayMilliseconds must not be negative.");
            }

            if (fault.Kind is SimulatedFaultKind.SoapFault or SimulatedFaultKind.ItemError && string.IsNullOrWhiteSpace(fault.ResponseCode))
            {
                problems.Add($"fault {fault.Kind} on {fault.Operation} needs a responseCode.");
            }
        }

        foreach (var application in scenario.OAuthApplications)
        {
            if (string.IsNullOrWhiteSpace(application.TenantId) || string.IsNullOrWhiteSpace(application.ClientId) || string.IsNullOrEmpty(application.ClientSecret))
            {
                problems.Add("every OAuth application needs tenantId, clientId and clientSecret.");
            }

            if (application.TokenLifetimeSeconds <= 0)
            {
                problems.Add($"OAuth application {application.ClientId}: tokenLifetimeSeconds must be positive.");
            }
        }
    }

    /// <summary>Validates one mailbox definition (also used when a test adds a mailbox at run time).</summary>
    public static void ThrowIfInvalid(ScenarioMailbox mailbox)
    {
        var problems = new List<string>();
        ValidateMailbox(mailbox, problems);
        if (problems.Count > 0)
        {
            throw new InvalidDataException("The mailbox is invalid: " + string.Join(" ", problems));
        }
    }

    private static void ValidateMailbox(ScenarioMailbox mailbox, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(mailbox.SmtpAddress) || !mailbox.SmtpAddress.Contains('@', StringComparison.Ordinal))
        {
            problems.Add($"mailbox smtpAddress '{mailbox.SmtpAddress}' is not an email address.");
            return;
        }

        foreach (var (folder, count) in mailbox.ItemCounts)
        {
            if (!SimulatedFolderNames.TryParseDistinguishedId(folder, out _))
            {
                problems.Add($"mailbox {mailbox.SmtpAddress}: itemCounts key '{folder}' is not a simulated distinguished folder id ({string.Join(", ", SimulatedFolderNames.AllDistinguishedIds)}).");
            }

            if (count < 0)
            {
                problems.Add($"mailbox {mailbox.SmtpAddress}: itemCounts['{folder}'] must not be negative.");
            }
        }

        mailbox.Sending?.Validate(mailbox.SmtpAddress, problems);
        ScenarioMessageValidation.Validate(mailbox, problems);
        ScenarioFolder.Validate(mailbox.SmtpAddress, mailbox.Folders ?? [], nested: false, problems);
    }

    private static void ValidateAbsoluteUrl(string? value, string name, List<string> problems)
    {
        if (value is not null && !Uri.TryCreate(value, UriKind.Absolute, out _))
        {
            problems.Add($"{name} '{value}' is not an absolute URL.");
        }
    }
}
