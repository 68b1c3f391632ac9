using System.Collections.Concurrent;
using ExSync.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>
/// ExSync running in-process over a real SQLite file and a real, persisted Data Protection key ring, both in a directory of
/// its own: tests run in parallel, and a restart test can start a second instance on the same files.
/// </summary>
public sealed class ExSyncApplication : WebApplicationFactory<Program>
{
    private readonly SharedDirectory directory;

    public ExSyncApplication()
        : this(new SharedDirectory(Path.Combine(Path.GetTempPath(), "exsync-tests", Guid.NewGuid().ToString("N"))))
    {
    }

    private ExSyncApplication(SharedDirectory directory)
    {
        this.directory = directory;
        directory.Acquire();
    }

    /// <summary>Where the database file and the key ring live.</summary>
    public string DataDirectory => directory.Path;

    /// <summary>The database: a SQLite file in <see cref="DataDirectory"/>, or a PostgreSQL database of its own in the PostgreSQL run.</summary>
    public TestDatabase Database => TestDatabase.ForDirectory(DataDirectory);

    /// <summary>
    /// The clock of the application; tests move it forward. It starts at the real time because the EWS client checks the
    /// simulator's freshly issued TLS certificate against it, truncated to the microsecond as ExSync's own clock is.
    /// </summary>
    public FakeTimeProvider Time { get; } = new(ExSync.Persistence.StoredInstants.Truncate(DateTimeOffset.UtcNow));

    /// <summary>Everything the application logged.</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>Settings added on top of the application's, as command-line style keys.</summary>
    public Dictionary<string, string?> Settings { get; } = new();

    /// <summary>Registrations applied after the application's own: in-memory telemetry exporters, for one.</summary>
    public List<Action<IServiceCollection>> AddedServices { get; } = [];

    /// <summary>Mints bearer tokens this application trusts.</summary>
    public TestTokens Tokens { get; } = new();

    /// <summary>The user id of the default client's token, which holds every privilege.</summary>
    public const string AdministratorId = "test-admin";

    /// <summary>
    /// A second application on the same database and key ring, as after a restart. The caller disposes it; the files are removed
    /// when the last application using them is disposed.
    /// </summary>
    public ExSyncApplication Restarted() => new(directory);

    /// <summary>A client whose token holds only the given privileges (roles).</summary>
    public HttpClient CreateClient(string userId, params string[] roles)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Tokens.Create(userId, roles));
        return client;
    }

    /// <summary>A client that sends no token.</summary>
    public HttpClient CreateAnonymousClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    public ServerProfilesClient ServerProfiles() => new(CreateClient());

    public MailboxesClient Mailboxes() => new(CreateClient());

    public OrganizationClient Organization() => new(CreateClient());

    public HealthClient Health() => new(CreateClient());

    public JobsClient Jobs() => new(CreateClient());

    public AlertsClient Alerts() => new(CreateClient());

    public DirectoryClient DirectoryEntries() => new(CreateClient());

    public EmailsClient Emails() => new(CreateClient());

    public ChangesClient Changes() => new(CreateClient());

    /// <summary>Clients act as an administrator holding every privilege unless a test asks for another token.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Tokens.Create(AdministratorId, TestTokens.AllPrivileges));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in Database.Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("DataProtection:KeysDirectory", Path.Combine(DataDirectory, "keys"));

        // The simulator listens on 127.0.0.1, which ExSync refuses unless the deployment allows it.
        builder.UseSetting("Exchange:OutboundPolicy:AllowLoopback", "true");

        // Trust the tokens of this test; and no job-creation rate limit, except where a test sets one.
        foreach (var (key, value) in Tokens.Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Limits:JobsPerMinute", "100000");
        builder.UseSetting("Limits:JobsBurst", "100000");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Trace));
        builder.ConfigureServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time));
            foreach (var add in AddedServices)
            {
                add(services);
            }
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            directory.Release();
        }
    }

    private int disposed;

    /// <summary>A data directory shared by an application and its restarts, deleted when the last one is disposed.</summary>
    private sealed class SharedDirectory(string path)
    {
        private int users;

        public string Path { get; } = path;

        public void Acquire()
        {
            Directory.CreateDirectory(Path);
            Interlocked.Increment(ref users);
        }

        public void Release()
        {
            if (Interlocked.Decrement(ref users) > 0)
            {
                return;
            }

            TestDatabase.DropAsync(Path).GetAwaiter().GetResult();
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // Still in use somewhere; the OS cleans the temp directory eventually.
            }
        }
    }
}
