namespace ExSync.ExchangeSimulator;

/// <summary>What autodiscover says about one email address.</summary>
internal abstract record AutodiscoverAnswer
{
    public sealed record Settings(MailboxStore Mailbox) : AutodiscoverAnswer;

    public sealed record RedirectAddress(string Address) : AutodiscoverAnswer;

    public sealed record RedirectUrl(string Url) : AutodiscoverAnswer;

    public sealed record UnknownUser : AutodiscoverAnswer;
}

/// <summary>Decides the autodiscover answer for an address, shared by the SOAP and POX endpoints.</summary>
internal static class AutodiscoverUsers
{
    /// <param name="runtime">The simulator.</param>
    /// <param name="emailAddress">The address asked about.</param>
    /// <param name="calledUrl">The URL the client called, for redirect loops (a redirect back to itself).</param>
    public static AutodiscoverAnswer Resolve(SimulatorRuntime runtime, string emailAddress, string calledUrl)
    {
        var autodiscover = runtime.Server.Autodiscover;
        if (autodiscover.RedirectLoop)
        {
            return new AutodiscoverAnswer.RedirectUrl(calledUrl);
        }

        if (autodiscover.RedirectUrl is { } redirectUrl)
        {
            return new AutodiscoverAnswer.RedirectUrl(redirectUrl);
        }

        foreach (var (from, to) in autodiscover.RedirectAddresses)
        {
            if (string.Equals(from, emailAddress, StringComparison.OrdinalIgnoreCase))
            {
                return new AutodiscoverAnswer.RedirectAddress(to);
            }
        }

        var mailbox = runtime.State.FindBySmtp(emailAddress) ?? runtime.State.FindByPrincipalName(emailAddress);
        return mailbox is null ? new AutodiscoverAnswer.UnknownUser() : new AutodiscoverAnswer.Settings(mailbox);
    }

    /// <summary>The Version child of the autodiscover ServerVersionInfo (the autodiscover schema's own version names).</summary>
    public static string AutodiscoverVersionName(ExchangeServerProfile profile) => profile.Version switch
    {
        SimulatedExchangeVersion.Exchange2010 => "Exchange2010_SP2",
        SimulatedExchangeVersion.Exchange2013 => "Exchange2013",
        SimulatedExchangeVersion.Exchange2013Sp1 => "Exchange2013_SP1",
        _ => "Exchange2015",
    };

    /// <summary>CasVersion as Exchange formats it: zero-padded build parts, for example 15.02.1544.004.</summary>
    public static string CasVersion(ExchangeServerProfile profile) =>
        FormattableString.Invariant($"{profile.MajorVersion}.{profile.MinorVersion:00}.{profile.MajorBuildNumber:0000}.{profile.MinorBuildNumber:000}");
}
