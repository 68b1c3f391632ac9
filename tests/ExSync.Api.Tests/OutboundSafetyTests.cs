using System.Diagnostics;
using System.Net;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.Exchange;
using ExSync.ExchangeSimulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ExSync.Api.Tests;

/// <summary>
/// Safe outbound connections, through the API: a connection test of a profile whose server is a metadata, link-local or unspecified
/// address — literally or through a host name — fails at once with OutboundAddressBlocked, whatever the configuration; loopback
/// and private addresses are refused unless the deployment's Exchange:OutboundPolicy allows them.
/// </summary>
public sealed class OutboundSafetyTests(OutboundSafetyTests.Deployments deployments) : IClassFixture<OutboundSafetyTests.Deployments>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A job against a refused address must not wait for any timeout.</summary>
    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(5);

    /// <summary>Server locations that are never allowed, and the address each is refused for.</summary>
    public static TheoryData<string, string> NeverAllowed => new()
    {
        { "https://169.254.169.254/EWS/Exchange.asmx", "169.254.169.254" },
        { "https://[fe80::1]/EWS/Exchange.asmx", "fe80::1" },
        { "https://0.0.0.0/EWS/Exchange.asmx", "0.0.0.0" },
        { "https://[fd00:ec2::254]/EWS/Exchange.asmx", "fd00:ec2::254" },
        { "https://100.100.100.200/EWS/Exchange.asmx", "100.100.100.200" },
        { "https://[::ffff:169.254.169.254]/EWS/Exchange.asmx", "169.254.169.254" },
        { "https://metadata.contoso.test/EWS/Exchange.asmx", "169.254.169.254" },
    };

    [Theory]
    [MemberData(nameof(NeverAllowed))]
    public async Task MetadataLinkLocalAndUnspecifiedAddressesAreRefusedAtOnceEvenWhereLoopbackAndPrivateNetworksAreAllowed(string serverLocation, string address)
    {
        var (result, elapsed) = await TestConnectionAsync(deployments.Permissive, serverLocation);

        var step = AssertBlocked(result, "connect", elapsed);
        Assert.Contains(address, result.Error!.Message);
        Assert.Contains("whatever the configuration", step.Remediation);
    }

    [Fact]
    public async Task AutodiscoverForADomainThatResolvesToTheMetadataAddressIsRefused()
    {
        var profile = TestData.Profile();
        profile.AutoDiscoverServerLocation = true;
        profile.Incoming = new ServerProfileConnectionInput { AuthenticationProtocol = Client.AuthenticationProtocol.Basic };

        var (result, elapsed) = await TestConnectionAsync(deployments.Permissive, profile, "someone@metadata.contoso.test");

        var step = AssertBlocked(result, "resolveServerLocation", elapsed);
        var attempts = step.Children ?? [];
        Assert.NotEmpty(attempts);
        Assert.All(attempts, a => Assert.Equal("OutboundAddressBlocked", a.ErrorCode));
    }

    [Fact]
    public async Task LoopbackIsRefusedUnlessTheDeploymentAllowsIt()
    {
        var simulatorProfile = JobTesting.Profile(deployments.Simulator);
        var address = deployments.Simulator.AddExchangeMailbox("loopback");

        var (refused, elapsed) = await TestConnectionAsync(deployments.Strict, simulatorProfile, address);
        var step = AssertBlocked(refused, "connect", elapsed);
        Assert.Contains("AllowLoopback", step.Remediation);
        Assert.Contains("AllowedNetworks", step.Remediation);
        Assert.Equal(0, deployments.Simulator.Requests.CountForMailbox(address));

        // Allowed by Exchange:OutboundPolicy:AllowLoopback, or by listing the addresses in AllowedNetworks: the same test passes.
        foreach (var allowing in new[] { deployments.Permissive, deployments.AllowListed })
        {
            var (passed, _) = await TestConnectionAsync(allowing, JobTesting.Profile(deployments.Simulator), address);
            Assert.True(passed.Outcome == JobItemOutcome.Succeeded, $"{passed.Outcome}: {passed.Error?.Code} {passed.Error?.Message}");
            Assert.All(passed.Steps.Flatten(), s => Assert.NotEqual("OutboundAddressBlocked", s.ErrorCode));
        }
    }

    [Theory]
    [InlineData("https://10.0.0.1/EWS/Exchange.asmx")]
    [InlineData("https://192.168.1.10/EWS/Exchange.asmx")]
    [InlineData("https://[fd12:3456::1]/EWS/Exchange.asmx")]
    public async Task PrivateAddressesAreRefusedUnlessTheDeploymentAllowsThem(string serverLocation)
    {
        var (refused, elapsed) = await TestConnectionAsync(deployments.Strict, serverLocation);
        var step = AssertBlocked(refused, "connect", elapsed);
        Assert.Contains("AllowedNetworks", step.Remediation);
        Assert.Contains("AllowPrivateNetworks", step.Remediation);

        // Where private networks are allowed ExSync does try to connect. What happens then depends on the network the tests run in
        // (nothing answers, or something answers with the wrong certificate), but it is a network or TLS outcome, not a refusal.
        var (attempted, _) = await TestConnectionAsync(deployments.Permissive, serverLocation);
        Assert.Equal(JobItemOutcome.Failed, attempted.Outcome);
        Assert.NotEqual("OutboundAddressBlocked", attempted.Error!.Code);
        Assert.All(attempted.Steps.Flatten(), s => Assert.NotEqual("OutboundAddressBlocked", s.ErrorCode));
        Assert.Equal(attempted.Error.Code, Assert.Single(attempted.Steps.Flatten(), s => s.Id == "connect").ErrorCode);
    }

    private static TestStep AssertBlocked(JobResult result, string stepId, TimeSpan elapsed)
    {
        Assert.True(elapsed < Fast, $"The refused connection test took {elapsed}.");
        Assert.Equal(JobItemOutcome.Failed, result.Outcome);
        Assert.Equal("OutboundAddressBlocked", result.Error!.Code);
        Assert.False(result.Error.Transient);
        var step = Assert.Single(result.Steps.Flatten(), s => s.Id == stepId);
        Assert.Equal("Failed", step.Outcome);
        Assert.Equal("OutboundAddressBlocked", step.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(step.Remediation));
        return step;
    }

    private static Task<(JobResult Result, TimeSpan Elapsed)> TestConnectionAsync(WebApplicationFactory<Program> app, string serverLocation)
    {
        var profile = TestData.Profile();
        profile.Incoming!.ServerLocation = serverLocation;
        return TestConnectionAsync(app, profile, "someone@contoso.com");
    }

    /// <summary>Creates the profile, runs its connection test for the address and returns the one result and how long the job took.</summary>
    private static async Task<(JobResult Result, TimeSpan Elapsed)> TestConnectionAsync(WebApplicationFactory<Program> app, ServerProfileInput profile, string address)
    {
        var http = app.CreateClient();
        var created = await new ServerProfilesClient(http).CreateServerProfileAsync(profile, Ct);
        var watch = Stopwatch.StartNew();
        var job = await new ServerProfilesClient(http).TestServerProfileConnectionAsync(created.Id, new TestConnectionInput { EmailAddress = address }, cancellationToken: Ct);
        var jobs = new JobsClient(http);
        var finished = await jobs.WaitForCompletionAsync(job.Id, JobTesting.Poll, cancellationToken: Ct);
        var elapsed = watch.Elapsed;
        Assert.Equal(JobStatus.Succeeded, finished.Status);
        var result = Assert.Single((await jobs.ListJobResultsAsync(job.Id, cancellationToken: Ct)).Value);
        return (result, elapsed);
    }

    /// <summary>
    /// One simulator (on loopback) and three deployments: strict (the defaults: no loopback, no private networks), permissive
    /// (loopback and private networks allowed), and allow-listed (loopback only through AllowedNetworks). Host names under
    /// metadata.contoso.test resolve to 169.254.169.254 in all of them, as a hostile or hijacked DNS record would.
    /// </summary>
    public sealed class Deployments : IAsyncLifetime
    {
        private readonly List<ExSyncApplication> applications = [];

        public ExchangeSimulatorHost Simulator { get; private set; } = null!;

        public WebApplicationFactory<Program> Strict { get; private set; } = null!;

        public WebApplicationFactory<Program> Permissive { get; private set; } = null!;

        public WebApplicationFactory<Program> AllowListed { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), TestContext.Current.CancellationToken);
            Strict = Create(new()
            {
                ["Exchange:OutboundPolicy:AllowLoopback"] = "false",
            });
            Permissive = Create(new()
            {
                ["Exchange:OutboundPolicy:AllowLoopback"] = "true",
                ["Exchange:OutboundPolicy:AllowPrivateNetworks"] = "true",

                // Private addresses nobody answers on: fail the connect quickly rather than after the default 10 s.
                ["Exchange:TcpConnectTimeout"] = "00:00:00.500",
            });
            AllowListed = Create(new()
            {
                ["Exchange:OutboundPolicy:AllowLoopback"] = "false",
                ["Exchange:OutboundPolicy:AllowedNetworks:0"] = "127.0.0.0/8",
                ["Exchange:OutboundPolicy:AllowedNetworks:1"] = "::1/128",
            });
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var application in applications)
            {
                await application.DisposeAsync();
            }

            await Simulator.DisposeAsync();
        }

        private WebApplicationFactory<Program> Create(Dictionary<string, string?> settings)
        {
            var application = new ExSyncApplication();
            applications.Add(application);
            SimulatedDeployment.Configure(application);
            foreach (var (key, value) in settings)
            {
                application.Settings[key] = value;
            }

            return application.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
                services.Configure<ExchangeClientOptions>(options => options.ResolveEndpoints = ResolveAsync)));
        }

        private static async ValueTask<IReadOnlyList<IPEndPoint>> ResolveAsync(string host, int port, CancellationToken cancellationToken)
        {
            if (host == "metadata.contoso.test" || host.EndsWith(".metadata.contoso.test", StringComparison.OrdinalIgnoreCase))
            {
                return [new IPEndPoint(IPAddress.Parse("169.254.169.254"), port)];
            }

            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            return addresses.Select(a => new IPEndPoint(a, port)).ToList();
        }
    }
}
