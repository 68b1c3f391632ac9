using ExSync.Api.Alerts;
using ExSync.Api.Audit;
using ExSync.Api.Changes;
using ExSync.Api.Demo;
using ExSync.Api.DirectoryEntries;
using ExSync.Api.Emails;
using ExSync.Api.Exchange;
using ExSync.Api.Health;
using ExSync.Api.Infrastructure;
using ExSync.Api.Infrastructure.Hosting;
using ExSync.Api.Infrastructure.Http;
using ExSync.Api.Infrastructure.Json;
using ExSync.Api.Infrastructure.OpenApi;
using ExSync.Api.Infrastructure.Persistence;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Security;
using ExSync.Api.Infrastructure.Telemetry;
using ExSync.Api.Infrastructure.Validation;
using ExSync.Api.Jobs;
using ExSync.Api.Mailboxes;
using ExSync.Api.Organization;
using ExSync.Api.ServerProfiles;
using ExSync.Api.Sync;
using ExSync.Api.Webhooks;
using ExSync.Engine.Instances;

// A startup failure (a setting that is wrong, a database that cannot be used) ends the process with one line saying what to fix and
// exit code 1, not with a crash
try
{
    // Configuration files are read at startup, not watched: the default SQLite database lives under the content root, and the recursive
    // watcher woke on every database write (about 6% of the CPU of a large Test & Enable). Pass --hostBuilder:reloadConfigOnChange=true to watch anyway.
    // They are read from beside the application, where the database is, whatever the working directory.
    var builder = WebApplication.CreateBuilder(ContentRoot.BesideTheApplication(["--hostBuilder:reloadConfigOnChange=false", .. args]));

    // One JSON configuration for requests, responses, problems and the OpenAPI document
    builder.Services.ConfigureHttpJsonOptions(options => ApiJson.Configure(options.SerializerOptions));

    // Errors: RFC 9457 problem details with stable codes
    builder.Services.AddApiProblemDetails();

    // Roles: this process serves the API, runs the background engines, or both (the default)
    var roles = builder.Configuration.Roles();

    // Observability: OpenTelemetry traces, metrics and logs over OTLP (OTEL_EXPORTER_OTLP_ENDPOINT), Prometheus on request, trace ids in logs
    builder.AddTelemetry();

    // The database (SQLite or PostgreSQL, migrated at startup), secrets encrypted with a key ring kept in it, and the engines:
    // jobs, schedulers, and the coordination of instances sharing the database (Worker role)
    builder.AddEngine(roles);
    builder.AddDatabaseHealth();

    // Validation of request bodies
    builder.Services.AddRequestValidation();

    // The EWS client, with the deployment's rules for the Exchange addresses it may connect to
    builder.AddExchange();

    // Representations kept with their revision, so that repeated reads of a resource skip reading and serializing it again
    builder.Services.AddSingleton<RepresentationCache>();

    // Change feed cursors, sealed with the deployment's key ring so that every instance reads them and nobody forges them
    builder.Services.AddSingleton<ChangeCursors>();

    // Audit trail of every change, recorded with the change
    builder.Services.AddHttpContextAccessor();
    builder.Services.AddScoped<AuditTrail>();

    // Security: JWT bearer authentication, one policy per privilege, limits against abuse
    builder.AddApiSecurity();
    builder.AddRequestLimits();

    // Demo mode: an embedded Exchange simulator and sample data (Demo:Enabled=true)
    builder.AddDemoMode();

    // The contract: OpenAPI 3.0 document and Swagger UI
    builder.Services.AddApiOpenApi();

    var app = builder.Build();

    // Settings are checked before the database or the demo is touched, so that a wrong one is all that is reported
    app.ValidateSettingsNow();

    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseRequestBodyLimit();

    // Swagger UI is middleware, not an endpoint: it must come before authorization, whose fallback policy demands a token everywhere else
    app.MapApiOpenApi();
    app.UseAuthentication();
    app.UseAuthorization();
    app.UseRateLimiter();

    await app.MigrateDatabaseAsync();
    await app.StartDemoAsync();

    app.MapHealth();

    // GET /metrics for a Prometheus scraper (Telemetry:Prometheus:Enabled), anonymous, outside the contract; in every role
    app.MapPrometheusMetrics();

    // A worker-only instance serves health probes and nothing else
    if (roles.HasFlag(InstanceRoles.Api))
    {
        var api = app.MapGroup("/api/v1").WithStandardProblemResponses();
        api.MapServerProfiles().MapServerProfileActions();
        api.MapOrganization();
        api.MapMailboxes().MapMailboxActions().MapMailboxAlerts().MapMailboxSync();
        api.MapJobs();
        api.MapAlerts();
        api.MapAudit();

        // The CRM's side: its directory of records, the email activities ExSync tracks, and the feed of their changes
        api.MapDirectoryEntries();
        api.MapEmails();
        api.MapChanges();

        // Webhooks: signed events to the CRM, delivered at least once, with their delivery log
        api.MapWebhooks();
    }

    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (StartupFailure.TryReport(exception))
{
    return StartupFailure.ExitCode;
}
