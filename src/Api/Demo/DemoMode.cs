using ExSync.Engine.Sync;
using System.Net.Sockets;
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
/// mailboxes, run Test &amp; Enable and read its results and alerts from Swagger UI, with no Exchange server anywhere. The mailboxes that
/// pass then receive sample emails (<see cref="DemoMailDelivery"/>), and the simulator takes more over SMTP.
/// </summary>
public static partial class DemoMode
{
    private const string ProfileName = "Contoso Exchange (demo simulator)";

    /// <summary>The simulator's SMTP port in demo mode unless <c>Demo:SmtpPort</c> says otherwise; the standalone simulator's default too.</summary>
    private const int DefaultSmtpPort = 2525;

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
        builder.Services.AddSingleton<DemoExchange>();
        builder.Services.AddSingleton<ISyncStartObserver, DemoMailDelivery>();

        return builder;
    }

    /// <summary>Starts the simulator and points the demo profile at it, seeding the sample data on first start.</summary>
    public static async Task StartDemoAsync(this WebApplication app)
    {
        if (!app.Configuration.IsEnabled() || app.Environment.IsBuild())
        {
            return;
        }

        var simulator = await StartSimulatorAsync(app.Configuration);
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
                var draft = new MailboxDraft
                {
                    Name = sample.Name,
                    EmailAddress = sample.EmailAddress,
                    Owner = new MailboxOwner(MailboxOwnerType.User, sample.EmailAddress.Split('@')[0], sample.Name),
                    IncomingEmailFilteringMethod = IncomingEmailFilteringMethod.FromCrmRecords,
                };
                db.Mailboxes.Add(Mailbox.Create(ids.Next(), organization.ApplyDefaults(draft), profile, organization.DefaultServerProfileId, now));
            }
        }

        await db.SaveChangesAsync();
        await AddMissingDirectoryEntriesAsync(db, scope.ServiceProvider.GetRequiredService<IDatabaseDialect>(), now);
        app.Services.GetRequiredService<DemoExchange>().Started(simulator);
        var sampleAddresses = DemoScenario.Mailboxes.Select(s => Mailbox.NormalizeEmailAddress(s.EmailAddress)).ToList();
        var mailboxIds = await db.Mailboxes.Where(m => sampleAddresses.Contains(m.NormalizedEmailAddress)).Select(m => m.Id).ToListAsync();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ExSync.Demo");
        var token = app.Services.GetRequiredService<DemoAccess>().CreateAdministratorToken(now);
        var signIn = $"Authorize (the padlock) with this bearer token of '{DemoAccess.UserId}', who holds every privilege; it is valid until ExSync stops:{Environment.NewLine}  {token}";
        LogDemoReady(logger, simulator.EwsUrl, $"{simulator.SmtpHost}:{simulator.SmtpPort}", string.Join(Environment.NewLine, DemoScenario.Mailboxes.Select(m => $"  {m.EmailAddress}: {m.WhatHappens}")), signIn, JsonSerializer.Serialize(new { mailboxIds }));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = """
        DEMO MODE: ExSync talks to an Exchange simulator at {EwsUrl}, with sample data in its own database. Never use demo mode in production.
        SMTP of the simulator: {SmtpEndPoint} (plain, no authentication); mail sent there to a sample mailbox lands in its Inbox.
        Sample mailboxes:
        {Mailboxes}
        Try it in Swagger UI (/swagger).
        {SignIn}
          1. POST /api/v1/mailboxes/approve-email     with body {Body}
          2. POST /api/v1/mailboxes/test-and-enable   with the same body; note the job id
          3. GET  /api/v1/jobs/{{id}} until it is Succeeded, then GET /api/v1/jobs/{{id}}/results for each mailbox's step tree
          4. GET  /api/v1/alerts to read what ExSync tells the mailbox and profile owners
          5. The mailboxes that passed get sample emails from CRM contacts, an account and a lead, a reply, and an advertisement their
             filter drops: GET /api/v1/emails, GET /api/v1/changes?cursor=latest, GET /api/v1/mailboxes/{{id}}/sync-events
        """)]
    private static partial void LogDemoReady(ILogger logger, Uri ewsUrl, string smtpEndPoint, string mailboxes, string signIn, string body);

    /// <summary>
    /// Starts the simulator with its SMTP listener on <c>Demo:SmtpPort</c> (0: any free port). When that setting is not given and the
    /// default port is taken (a standalone simulator runs, say), a free port is used instead; the banner names the one in use.
    /// </summary>
    private static async Task<ExchangeSimulatorHost> StartSimulatorAsync(IConfiguration configuration)
    {
        const string setting = "Demo:SmtpPort";
        var configured = configuration.GetValue<int?>(setting);
        if (configured is < 0 or > 65535)
        {
            throw new InvalidSettingException(setting, $"{setting} must be a port number from 0 to 65535; it is {configured}.");
        }

        try
        {
            return await ExchangeSimulatorHost.StartAsync(DemoScenario.Create(), new ExchangeSimulatorHostOptions { SmtpPort = configured ?? DefaultSmtpPort });
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            if (configured is not null)
            {
                throw new InvalidSettingException(setting, $"{setting}: port {configured} is in use; choose another, or 0 for any free port.", exception);
            }

            return await ExchangeSimulatorHost.StartAsync(DemoScenario.Create(), new ExchangeSimulatorHostOptions());
        }
    }

    /// <summary>Registers the demo's CRM records, as the CRM would; entries deleted since come back at the next start, as mailboxes do.</summary>
    private static async Task AddMissingDirectoryEntriesAsync(ExSyncDbContext db, IDatabaseDialect dialect, DateTimeOffset now)
    {
        var ids = DemoSampleMail.Records.Select(r => r.EntryId).ToList();
        var existing = await db.DirectoryEntries.Where(e => ids.Contains(e.Id)).Select(e => e.Id).ToListAsync();
        var missing = DemoSampleMail.Records.Where(r => !existing.Contains(r.EntryId)).Select(r => r.ToWrite()).ToList();
        if (missing.Count > 0)
        {
            // All or none: when the CRM registered one of these records under another entry id, its entry stays and none is added.
            await db.UpsertDirectoryEntriesAsync(dialect, missing, now, precondition: null, CancellationToken.None);
        }
    }
}
