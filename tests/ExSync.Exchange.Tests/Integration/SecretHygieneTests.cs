using System.Text;
using System.Text.RegularExpressions;
using ExSync.Exchange.Connectivity;
using ExSync.Exchange.Tests.Infrastructure;

namespace ExSync.Exchange.Tests.Integration;

/// <summary>Passwords, secrets, tokens, Authorization headers and NTLM messages never reach logs or errors.</summary>
public sealed partial class SecretHygieneTests : SimulatorTestBase
{
    private async Task<MailboxConnectivityReport> RunAsync(ExchangeAuthentication authentication) =>
        await Client.Tester.TestAsync(new MailboxConnectivityRequest
        {
            MailboxSmtpAddress = Scenarios.Alice,
            Directions = MailboxDirections.All,
            Incoming = Scenarios.Connection(Simulator, authentication),
            Outgoing = Scenarios.Connection(Simulator, authentication),
            OrganizationId = Scenarios.OurOrganization,
        }, Ct);

    [Fact]
    public async Task Trace_level_logs_of_successful_and_failed_tests_contain_no_credentials()
    {
        var basicValue = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Scenarios.ServiceUser}:{Scenarios.ServicePassword}"));

        Assert.True((await RunAsync(Scenarios.Basic())).Succeeded);
        Assert.True((await RunAsync(Scenarios.Ntlm())).Succeeded);
        Assert.True((await RunAsync(Scenarios.OAuth(Simulator))).Succeeded);
        Assert.False((await RunAsync(Scenarios.Basic(password: "Wr0ng-" + Scenarios.ServicePassword))).Succeeded);
        Assert.False((await RunAsync(Scenarios.OAuth(Simulator, secret: "Wr0ng-" + Scenarios.ClientSecret))).Succeeded);

        var logs = Client.Logs.AllText;
        Assert.NotEmpty(Client.Logs.Lines);
        Assert.Contains("Authorization: *", logs, StringComparison.Ordinal); // the header is logged redacted
        Assert.DoesNotContain(Scenarios.ServicePassword, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Scenarios.ClientSecret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(basicValue, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("TlRMTVNT", logs, StringComparison.Ordinal); // base64 of "NTLMSS", the start of every NTLM message
        Assert.DoesNotMatch(CredentialHeaderValue(), logs);
        Assert.DoesNotContain("client_secret", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Successful_polly_attempts_are_not_logged_at_information()
    {
        await RunAsync(Scenarios.Basic());

        Assert.DoesNotContain(Client.Logs.Lines, line => line.StartsWith("[Information] Polly", StringComparison.Ordinal));
        Assert.Contains(Client.Logs.Lines, line => line.StartsWith("[Debug] Polly", StringComparison.Ordinal));
    }

    [Fact]
    public void Credential_records_do_not_print_their_secrets()
    {
        var account = Scenarios.Basic();
        var oauth = Scenarios.OAuth(Simulator);
        var settings = Scenarios.Connection(Simulator, account);

        Assert.DoesNotContain(Scenarios.ServicePassword, account.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Scenarios.ClientSecret, oauth.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Scenarios.ServicePassword, settings.ToString(), StringComparison.Ordinal);
        Assert.Contains(Scenarios.ServiceUser, account.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(Basic|Bearer|NTLM|Negotiate)\s+[A-Za-z0-9+/=._-]{8,}")]
    private static partial Regex CredentialHeaderValue();
}
