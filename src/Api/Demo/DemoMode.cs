using System.Text.Json;
using ExSync.Api.Infrastructure;
using ExSync.Api.Infrastructure.Security;
using ExSync.Engine.Secrets;
using ExSync.Persistence;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.ServerProfiles;
using ExSync.ExchangeSimulator;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.Demo;

/// <summary>
/// Demo mode (<c>Demo:Enabled=true</c>): ExSync with an embedded Exchange simulator and sample data, so a newcomer can approve
/// mailboxes, run Test &amp; Enable and read its results and alerts from Swagger UI, with no Exchange server anywhere.
/// </summary>
public static partial class DemoMode
{
    private const string ProfileName = "Contoso Exchange (demo simulator)";

    /// <summary>Whether demo mode is on.</summary>
    public static bool IsEnabled(this IConfiguration configuration) => configuration.GetValue<bool>("Demo:Enabled");

    /// <summary>
    /// In demo mode, keeps the sample data in a database of its own, lets ExSync reach the simulator on 127.0.0.1 and trusts a key of
    /// its own to sign a demo administrator's token, besides the keys the configuration trusts.
    /// </summary>
    public static WebApplicationBuilder AddDemoMode(this WebApplicationBuilder builder)
    {
        if (!builder.Configuration.IsEnabled() || builder.Environment.IsBuild())
        {
            return builder;
        }

        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:ExSync"] = builder.Configuration["Demo:ConnectionString"] ?? "Data Source=exsync-demo.db",
            ["Exchange:OutboundPolicy:AllowLoopback"] = "true",
        });
        var access = new DemoAccess();
        builder.Services.AddSingleton(access);
        builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, access.Trust);

        return builder;
    }

    /// <summary>Starts the simulator and points the demo profile at it, seeding the sample data on first start.</summary>
    public static async Task StartDemoAsync(this WebApplication app)
    {
        if (!app.Configuration.IsEnabled() || app.Environment.IsBuild())
        {
            return;
        }

        var simulator = await ExchangeSimulatorHost.StartAsync(DemoScenario.Create());
        app.Lifetime.ApplicationStopped.Register(() => simulator.DisposeAsync().AsTask().GetAwaiter().GetResult());

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
        var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var ids = scope.ServiceProvider.GetRequiredService<SequentialIds>();
        var secrets = scope.ServiceProvider.GetRequiredService<SecretProtector>();
        var now = time.GetUtcNow();

        // The simulator gets a new port and certificate authority at every start, so the profile is brought up to date each time.
        var settings = new ServerProfileSettings
        {
            Name = ProfileName,
            Description = "Points at the Exchange simulator embedded in demo mode.",
            Owner = new ProfileOwner(DemoAccess.UserId, "admin@contoso.demo"),
            Authentication = ProfileAuthentication.ForImpersonation(new ImpersonationAccount(DemoScenario.ServiceAccount, secrets.Protect(DemoScenario.ServiceAccountPassword))),
            Incoming = new ServerConnection(simulator.EwsUrl, null, AuthenticationProtocol.Ntlm),
            TrustedCaCertificatePem = simulator.CertificateAuthorityPem,
            Advanced = new AdvancedProcessingOptions { SendAlertToOwnerOnMajorFailures = true, ConnectionTimeoutSeconds = 30 },
        };
        var profile = await db.ServerProfiles.SingleOrDefaultAsync(p => p.NormalizedName == ServerProfile.NormalizeName(ProfileName));
        var organization = await db.OrganizationSettingsAsync(CancellationToken.None);
        if (profile is null)
        {
            profile = ServerProfile.Create(ids.Next(), settings, now);
            db.ServerProfiles.Add(profile);
        }
        else
        {
            profile.Update(settings with { State = Domain.Common.RecordState.Active }, organization.DefaultServerProfileId == profile.Id, now);
        }

        organization.SetDefaultServerProfile(profile, isDefault: true, now);
        await db.SaveChangesAsync();

        foreach (var sample in DemoScenario.Mailboxes)
        {
            var normalized = Mailbox.NormalizeEmailAddress(sample.EmailAddress);
            if (!await db.Mailboxes.AnyAsync(m => m.NormalizedEmailAddress == normalized))
            {
                var draft = new MailboxDraft { Name = sample.Name, EmailAddress = sample.EmailAddress, Owner = new MailboxOwner(MailboxOwnerType.User, sample.EmailAddress.Split('@')[0], sample.Name) };
                db.Mailboxes.Add(Mailbox.Create(ids.Next(), organization.ApplyDefaults(draft), profile, organization.DefaultServerProfileId, now));
            }
        }

        await db.SaveChangesAsync();
        var sampleAddresses = DemoScenario.Mailboxes.Select(s => Mailbox.NormalizeEmailAddress(s.EmailAddress)).ToList();
        var mailboxIds = await db.Mailboxes.Where(m => sampleAddresses.Contains(m.NormalizedEmailAddress)).Select(m => m.Id).ToListAsync();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ExSync.Demo");
        var token = app.Services.GetRequiredService<DemoAccess>().CreateAdministratorToken(now);
        var signIn = $"Authorize (the padlock) with this bearer token of '{DemoAccess.UserId}', who holds every privilege; it is valid until ExSync stops:{Environment.NewLine}  {token}";
        LogDemoReady(logger, simulator.EwsUrl, string.Join(Environment.NewLine, DemoScenario.Mailboxes.Select(m => $"  {m.EmailAddress}: {m.WhatHappens}")), signIn, JsonSerializer.Serialize(new { mailboxIds }));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = """
        DEMO MODE: ExSync talks to an Exchange simulator at {EwsUrl}, with sample data in its own database. Never use demo mode in production.
        Sample mailboxes:
        {Mailboxes}
        Try it in Swagger UI (/swagger).
        {SignIn}
          1. POST /api/v1/mailboxes/approve-email     with body {Body}
          2. POST /api/v1/mailboxes/test-and-enable   with the same body; note the job id
          3. GET  /api/v1/jobs/{{id}} until it is Succeeded, then GET /api/v1/jobs/{{id}}/results for each mailbox's step tree
          4. GET  /api/v1/alerts to read what ExSync tells the mailbox and profile owners
        """)]
    private static partial void LogDemoReady(ILogger logger, Uri ewsUrl, string mailboxes, string signIn, string body);
}
