using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Benchmarks;

/// <summary>The Exchange side and the ExSync configuration the benchmarks share.</summary>
internal static class BenchmarkDeployment
{
    public const string ServiceAccount = "svc-bench@contoso.bench";
    public const string ServiceAccountPassword = "Bench-Pa55word!";

    /// <summary>An Exchange 2019 simulator with the service account and <paramref name="mailboxes"/>.</summary>
    public static Task<ExchangeSimulatorHost> StartSimulatorAsync(int latencyMilliseconds, IEnumerable<ScenarioMailbox> mailboxes) =>
        ExchangeSimulatorHost.StartAsync(new SimulatorScenario
        {
            Server = new ScenarioServer { Version = SimulatedExchangeVersion.Exchange2019, LatencyMilliseconds = latencyMilliseconds, HostNames = ["localhost"] },
            Accounts = [new ScenarioAccount { UserName = ServiceAccount, Password = ServiceAccountPassword, CanImpersonateAll = true }],
            Mailboxes = mailboxes.ToList(),
        });

    /// <summary>The default profile: the simulator, impersonation, Basic, <paramref name="concurrency"/> connections.</summary>
    public static Task<ServerProfile> CreateProfileAsync(HttpClient http, ExchangeSimulatorHost simulator, int concurrency) =>
        new ServerProfilesClient(http).CreateServerProfileAsync(new ServerProfileInput
        {
            Name = "Benchmark Exchange",
            Owner = new ServerProfileOwnerInput { Id = "bench-admin", EmailAddress = "admin@contoso.bench" },
            Authentication = new ServerProfileAuthenticationInput
            {
                Type = ProfileAuthenticationType.Impersonation,
                Impersonation = new ServerProfileImpersonationInput { UserName = ServiceAccount, Password = ServiceAccountPassword },
            },
            Incoming = new ServerProfileConnectionInput { ServerLocation = simulator.EwsUrl.ToString(), AuthenticationProtocol = AuthenticationProtocol.Basic },
            TrustedCaCertificatePem = simulator.CertificateAuthorityPem,
            Advanced = new ServerProfileAdvancedOptionsInput { MaxConcurrentConnections = concurrency, ConnectionTimeoutSeconds = 100 },
            SetAsDefaultForNewMailboxes = true,
        });

    /// <summary>User mailboxes for <paramref name="addresses"/>, created eight at a time; <paramref name="configure"/> adjusts each input.</summary>
    public static async Task<Guid[]> CreateMailboxesAsync(MailboxesClient mailboxes, IReadOnlyList<string> addresses, Action<MailboxInput>? configure = null)
    {
        var ids = new Guid[addresses.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, addresses.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
        {
            var input = new MailboxInput
            {
                Name = $"User {i + 1}",
                EmailAddress = addresses[i],
                Owner = new MailboxOwnerInput { Type = MailboxOwnerType.User, Id = $"user-{i + 1}" },
                OutgoingDeliveryMethod = DeliveryMethod.None,
            };
            configure?.Invoke(input);
            ids[i] = (await mailboxes.CreateMailboxAsync(input, token)).Id;
        });
        return ids;
    }
}
