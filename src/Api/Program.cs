using ExSync.Api.Health;
using ExSync.Api.Infrastructure.Json;
using ExSync.Api.Infrastructure.OpenApi;
using ExSync.Api.Infrastructure.Persistence;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Secrets;
using ExSync.Api.Mailboxes;
using ExSync.Api.Organization;
using ExSync.Api.ServerProfiles;
using ExSync.Api.Infrastructure.Validation;

var builder = WebApplication.CreateBuilder(args);

// One JSON configuration for requests, responses, problems and the OpenAPI document
builder.Services.ConfigureHttpJsonOptions(options => ApiJson.Configure(options.SerializerOptions));

// Errors: RFC 9457 problem details with stable codes
builder.Services.AddApiProblemDetails();

// Persistence: SQLite through EF Core, migrated at startup
builder.AddPersistence();

// Secrets: encrypted with Data Protection, key ring persisted
builder.AddSecretProtection();

// Validation of request bodies, and the deployment's rules for Exchange addresses
builder.Services.AddRequestValidation();
builder.Services.Configure<ExchangeConnectionPolicy>(builder.Configuration.GetSection("Exchange"));

// Time comes from TimeProvider, so tests control it
builder.Services.AddSingleton(TimeProvider.System);

// The contract: OpenAPI 3.0 document and Swagger UI
builder.Services.AddApiOpenApi();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

await app.MigrateDatabaseAsync();

app.MapApiOpenApi();
app.MapHealth();

var api = app.MapGroup("/api/v1").WithStandardProblemResponses();
api.MapServerProfiles();
api.MapOrganization();
api.MapMailboxes();

app.Run();
