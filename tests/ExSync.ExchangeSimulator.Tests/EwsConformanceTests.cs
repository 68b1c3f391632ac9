using System.Reflection;

namespace ExSync.ExchangeSimulator.Tests;

/// <summary>
/// Proves the simulator with ews-javascript-api, an EWS client nobody here wrote: tests/EwsConformance/conformance.js
/// binds folders, creates and deletes a draft, pages FindItem, runs SyncFolderItems, checks the error paths and runs
/// autodiscover, sync.js exercises folders, change sync, UpdateItem, moves, deletes and pull and streaming
/// notifications, and content.js reads delivered messages (restriction and sort, properties, bodies, attachments, MIME,
/// tags, ConvertId, GetUserSettings), once with Basic and once with NTLM (against a simulator that offers only NTLM).
/// </summary>
public sealed class EwsConformanceTests
{
    private const string AutodiscoverEwsUrl = "https://mail.contoso.local/EWS/Exchange.asmx";
    private const string LegacyAddress = "alice@legacy.example";

    [Fact]
    public async Task EwsJavascriptApiWorksAgainstTheSimulatorWithBasicAndNtlm()
    {
        var node = OperatingSystem.IsWindows() ? "node.exe" : "node";
        var npm = OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
        if (!ExternalProcess.IsAvailable(node) || !ExternalProcess.IsAvailable(npm))
        {
            // CI installs Node.js and sets this, so there a missing runtime is a failure, never a quiet skip.
            Assert.False(Environment.GetEnvironmentVariable("EXSYNC_REQUIRE_EWS_CONFORMANCE") == "1", "EXSYNC_REQUIRE_EWS_CONFORMANCE is set but Node.js or npm is missing.");
            Assert.Skip("Node.js and npm are not installed, so the ews-javascript-api conformance script cannot run.");
        }

        var directory = ConformanceDirectory();
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "ews-javascript-api")))
        {
            var install = await ExternalProcess.RunAsync(npm, ["ci", "--no-audit", "--no-fund"], directory, null, TimeSpan.FromMinutes(5));
            Assert.True(install.ExitCode == 0, $"npm ci failed in {directory}:\n{install.Output}");
        }

        var basicScenario = ConformanceScenario();
        var ntlmScenario = ConformanceScenario();
        ntlmScenario.Server.Authentication = new ScenarioAuthentication { Basic = false, Ntlm = true, Bearer = false };

        await using var basicHost = await ExchangeSimulatorHost.StartAsync(basicScenario, TestContext.Current.CancellationToken);
        await using var ntlmHost = await ExchangeSimulatorHost.StartAsync(ntlmScenario, TestContext.Current.CancellationToken);
        foreach (var host in new[] { basicHost, ntlmHost })
        {
            // content.js reads these (see its header).
            host.DeliverMessage(GetItemTests.RichMessage(), [TestScenarios.Alice]);
            var reply = Mail.Message("RE: Budget review", to: TestScenarios.Alice);
            reply.InReplyTo = "budget-2@example.org";
            host.DeliverMessage(reply);
        }

        // Node validates the simulator's certificates against its generated CAs instead of skipping validation.
        var caFile = Path.Combine(Path.GetTempPath(), $"exsync-simulator-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(caFile, basicHost.CertificateAuthorityPem + "\n" + ntlmHost.CertificateAuthorityPem + "\n", TestContext.Current.CancellationToken);
        try
        {
            var run = await ExternalProcess.RunAsync(node,
            [
                "conformance.js",
                $"--basic-base={basicHost.HttpsBaseAddress}",
                $"--ntlm-base={ntlmHost.HttpsBaseAddress}",
                $"--basic-http-base={basicHost.HttpBaseAddress}",
                $"--ntlm-http-base={ntlmHost.HttpBaseAddress}",
                $"--legacy-email={LegacyAddress}",
                $"--user={TestScenarios.ServiceUser}",
                $"--password={TestScenarios.ServicePassword}",
                $"--ntlm-user={TestScenarios.Domain}\\{TestScenarios.ServiceSamAccountName}",
                $"--mailbox={TestScenarios.Alice}",
                "--missing-mailbox=nobody@contoso.local",
                "--autodiscover-hosts=contoso.local,autodiscover.contoso.local,mail.contoso.local",
                $"--expected-ews-url={AutodiscoverEwsUrl}",
            ], directory, new Dictionary<string, string> { ["NODE_EXTRA_CA_CERTS"] = caFile }, TimeSpan.FromMinutes(2));

            Assert.True(run.ExitCode == 0, $"conformance.js exited with {run.ExitCode}:\n{run.Output}");
            TestContext.Current.TestOutputHelper?.WriteLine(run.Output);
        }
        finally
        {
            File.Delete(caFile);
        }

        // The NTLM phase really went through NTLM: that simulator offers nothing else.
        Assert.True(ntlmHost.Requests.Count("GetFolder", TestScenarios.Alice) >= 6);
        Assert.True(ntlmHost.Requests.AuthenticationChallenges > 0);

        foreach (var host in new[] { basicHost, ntlmHost })
        {
            Assert.True(host.Requests.AutodiscoverCount(AutodiscoverRequestKind.GetProbe) >= 1, "the X-SOAP-Enabled probe was not sent");
            Assert.True(host.Requests.AutodiscoverCount(AutodiscoverRequestKind.SoapGetUserSettings) >= 3, "GetUserSettings was not called for every discovery");
            Assert.Equal(1, host.Requests.AutodiscoverCountForMailbox(LegacyAddress));
            Assert.True(host.Requests.Count("SyncFolderItems") >= 2);
            Assert.True(host.Requests.Count("FindItem") >= 1);
            Assert.True(host.Requests.Count("GetItem") >= 6);
            Assert.True(host.Requests.Count("GetAttachment") >= 2);
            Assert.True(host.Requests.Count("ConvertId") >= 3);
            Assert.DoesNotContain(host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Drafts), item => item.Subject?.StartsWith("ExSync conformance probe", StringComparison.Ordinal) == true);

            // sync.js: its operations reached the simulator, and it cleaned up its folder and subscriptions.
            foreach (var operation in new[] { "CreateFolder", "FindFolder", "UpdateItem", "MoveItem", "CopyItem", "DeleteFolder", "GetEvents", "GetStreamingEvents", "Unsubscribe" })
            {
                Assert.True(host.Requests.Count(operation, TestScenarios.Alice) >= 1, $"sync.js sent no {operation}");
            }

            Assert.Equal(2, host.Requests.Count("Subscribe", TestScenarios.Alice));
            Assert.Equal(1, host.Requests.PeakHangingConnections);
            Assert.Empty(host.State.GetSubscriptions());
            Assert.DoesNotContain(host.State.GetFolders(TestScenarios.Alice), folder => folder.DisplayName.StartsWith("Conformance ", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Autodiscover hands out the EWS URL a real deployment would publish (the script's host map resolves it), sends
    /// plain-HTTP autodiscover to an HTTPS autodiscover host, and maps a legacy address to Alice.
    /// </summary>
    private static SimulatorScenario ConformanceScenario()
    {
        var scenario = TestScenarios.Default();
        scenario.Server.Autodiscover.EwsUrl = AutodiscoverEwsUrl;
        scenario.Server.Autodiscover.HttpRedirectLocation = "https://mail.contoso.local/autodiscover/autodiscover.xml";
        scenario.Server.Autodiscover.RedirectAddresses[LegacyAddress] = TestScenarios.Alice;
        return scenario;
    }

    private static string ConformanceDirectory() =>
        typeof(EwsConformanceTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "EwsConformanceDirectory").Value!;
}
