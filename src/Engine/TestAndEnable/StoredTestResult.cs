using System.Text.Json;
using System.Text.Json.Serialization;
using ExSync.Domain.TestAndEnable;
using ExSync.Exchange.Connectivity;

namespace ExSync.Engine.TestAndEnable;

/// <summary>
/// The stored result of a tested item: what happened and the diagnostic step tree. It is the engine's own format, independent of
/// the HTTP contract, which maps it when results are read. Property names match what earlier versions stored, so their rows still read.
/// </summary>
public sealed record StoredTestResult
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The address tested.</summary>
    public string? EmailAddress { get; init; }

    /// <summary>The server profile used.</summary>
    public Guid? ServerProfileId { get; init; }

    /// <summary>Why the test failed or was skipped.</summary>
    public StoredTestError? Error { get; init; }

    /// <summary>When a transient failure will be retested.</summary>
    public DateTimeOffset? NextTestAt { get; init; }

    /// <summary>The EWS URL used or discovered.</summary>
    public string? EwsUrl { get; init; }

    /// <summary>The Exchange version the server reported.</summary>
    public StoredServerVersion? Server { get; init; }

    /// <summary>Result per direction.</summary>
    public StoredDirections? Directions { get; init; }

    /// <summary>The diagnostic steps.</summary>
    public IReadOnlyList<StoredTestStep> Steps { get; init; } = [];

    /// <summary>The stored form.</summary>
    public string Serialize() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a stored result.</summary>
    public static StoredTestResult Deserialize(string json) => JsonSerializer.Deserialize<StoredTestResult>(json, Json)!;

    private const string PreconditionsStep = "preconditions";
    private const string PreconditionsTitle = "Check that the mailbox can be tested (active, server profile, approval)";

    /// <summary>Builds the stored result of a tested item.</summary>
    internal static StoredTestResult From(TestWorkResult result, TestFailure? failure, TestRecord? record)
    {
        var work = result.Work;
        var report = result.Report;
        var isMailboxTest = work.Item.MailboxId is not null;
        var steps = new List<StoredTestStep>();
        if (isMailboxTest && (result.Precondition is not null || report is not null))
        {
            steps.Add(new StoredTestStep
            {
                Id = PreconditionsStep,
                Title = PreconditionsTitle,
                Outcome = result.Precondition is null ? "Passed" : "Failed",
                DurationMilliseconds = 0,
                Detail = result.Precondition?.Message,
                ErrorCode = result.Precondition?.Code,
                Remediation = result.Precondition?.Remediation,
            });
        }

        if (report is not null)
        {
            steps.AddRange(report.Steps.Select(ToStep));
        }

        return new StoredTestResult
        {
            EmailAddress = work.Mailbox?.EmailAddress ?? work.Item.EmailAddress,
            ServerProfileId = work.Profile?.Id,
            Error = failure is null ? null : new StoredTestError(failure.Code, failure.Message, failure.Remediation, failure.IsTransient),
            NextTestAt = record?.RetryAt,
            EwsUrl = report?.EwsUrl?.ToString(),
            Server = report?.ServerVersion is { } version ? new StoredServerVersion(version.Product.ToString(), version.Build, version.IsSupported) : null,
            Directions = report is null
                ? null
                : new StoredDirections(ToDirection(report.Incoming), ToDirection(report.Outgoing), ToDirection(report.AppointmentsContactsAndTasks)),
            Steps = steps,
        };
    }

    private static StoredDirection ToDirection(DirectionResult result) => new(result.Outcome.ToString(), result.Error?.Code);

    private static StoredTestStep ToStep(ConnectivityStep step) => new()
    {
        Id = step.Id,
        Title = step.Title,
        Outcome = step.Outcome.ToString(),
        DurationMilliseconds = (long)step.Duration.TotalMilliseconds,
        // A failed step's finding is its error: without it the tree would say that a step failed but not why.
        Detail = step.Detail ?? step.Error?.Message,
        ErrorCode = step.ErrorCode,
        Remediation = step.Remediation,
        Children = step.Children.Count == 0 ? null : step.Children.Select(ToStep).ToList(),
    };
}

/// <summary>Why a test failed.</summary>
/// <param name="Code">Stable code.</param>
/// <param name="Message">What went wrong.</param>
/// <param name="Remediation">What to do about it.</param>
/// <param name="Transient">Whether testing again later may succeed.</param>
public sealed record StoredTestError(string Code, string Message, string? Remediation, bool Transient);

/// <summary>The Exchange server as it reported itself.</summary>
/// <param name="Product">The product.</param>
/// <param name="Build">The build.</param>
/// <param name="Supported">Whether ExSync supports it.</param>
public sealed record StoredServerVersion(string Product, string Build, bool Supported);

/// <summary>Result per direction.</summary>
/// <param name="IncomingEmail">Incoming email.</param>
/// <param name="OutgoingEmail">Outgoing email.</param>
/// <param name="AppointmentsContactsAndTasks">Appointments, contacts and tasks.</param>
public sealed record StoredDirections(StoredDirection IncomingEmail, StoredDirection OutgoingEmail, StoredDirection AppointmentsContactsAndTasks);

/// <summary>Result of one direction.</summary>
/// <param name="Outcome">Passed, Failed or NotTested.</param>
/// <param name="ErrorCode">Why it failed.</param>
public sealed record StoredDirection(string Outcome, string? ErrorCode);

/// <summary>One step of the diagnostic tree.</summary>
public sealed record StoredTestStep
{
    /// <summary>Stable identifier of the step.</summary>
    public required string Id { get; init; }

    /// <summary>What the step checks.</summary>
    public required string Title { get; init; }

    /// <summary>Passed, Failed or Skipped.</summary>
    public required string Outcome { get; init; }

    /// <summary>How long it took.</summary>
    public required long DurationMilliseconds { get; init; }

    /// <summary>What the step found.</summary>
    public string? Detail { get; init; }

    /// <summary>Why it failed.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>What to do about the failure.</summary>
    public string? Remediation { get; init; }

    /// <summary>Sub-steps.</summary>
    public IReadOnlyList<StoredTestStep>? Children { get; init; }
}
