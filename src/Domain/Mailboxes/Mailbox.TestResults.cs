using ExSync.Domain.TestAndEnable;

namespace ExSync.Domain.Mailboxes;

public sealed partial class Mailbox
{
    /// <summary>The directions that use server-side synchronization, which are the ones Test &amp; Enable tests.</summary>
    public IReadOnlyList<SyncDirection> ServerSideSynchronizationDirections
    {
        get
        {
            var directions = new List<SyncDirection>(3);
            if (IncomingDeliveryMethod == IncomingEmailDeliveryMethod.ServerSideSynchronization)
            {
                directions.Add(SyncDirection.IncomingEmail);
            }

            if (OutgoingDeliveryMethod == DeliveryMethod.ServerSideSynchronization)
            {
                directions.Add(SyncDirection.OutgoingEmail);
            }

            if (ActDeliveryMethod == DeliveryMethod.ServerSideSynchronization)
            {
                directions.Add(SyncDirection.AppointmentsContactsAndTasks);
            }

            return directions;
        }
    }

    /// <summary>
    /// Identifies what a test result applies to: the address, the profile and the delivery methods. A result whose fingerprint
    /// no longer matches was made for a configuration that has since changed.
    /// </summary>
    public string ConnectionFingerprint =>
        $"{NormalizedEmailAddress}|{ServerProfileId}|{IncomingDeliveryMethod}|{OutgoingDeliveryMethod}|{ActDeliveryMethod}";

    /// <summary>
    /// Records a connectivity test. Passed directions are enabled. A permanent failure disables the failed directions. A transient
    /// failure schedules a retry (directions keep their enablement meanwhile, so an outage does not switch mailboxes off) until
    /// <see cref="RetryPolicy.MaxRetries"/> retries have failed, after which it counts as permanent.
    /// </summary>
    public TestRecord RecordTestResult(MailboxTestResult result, RetryPolicy retry, DateTimeOffset now)
    {
        var tested = ServerSideSynchronizationDirections;
        var failures = result.Directions.Where(d => d.Outcome == DirectionTestOutcome.Failed && tested.Contains(d.Direction)).ToList();
        var firstFailure = failures.Select(f => f.Failure).FirstOrDefault(f => f is not null)
            ?? (failures.Count > 0 ? new TestFailure("TestFailed", "The test failed.", "Run the connectivity test to see which step fails.", IsTransient: false) : null);
        var transientOnly = failures.Count > 0 && failures.All(f => f.Failure?.IsTransient == true);
        var retryPossible = transientOnly && TestRetryCount < retry.MaxRetries;

        var enabled = new List<SyncDirection>();
        foreach (var direction in AllDirections)
        {
            if (!tested.Contains(direction))
            {
                SetDirection(direction, SyncStatus.NotRun, enabled: false);
                continue;
            }

            var outcome = result.Directions.FirstOrDefault(d => d.Direction == direction)?.Outcome ?? DirectionTestOutcome.NotTested;
            switch (outcome)
            {
                case DirectionTestOutcome.Passed:
                    SetDirection(direction, SyncStatus.Success, enabled: true);
                    enabled.Add(direction);
                    break;
                case DirectionTestOutcome.Failed when retryPossible:
                    SetDirection(direction, SyncStatus.Failure, enabled: IsEnabledFor(direction));
                    break;
                case DirectionTestOutcome.Failed:
                    SetDirection(direction, SyncStatus.Failure, enabled: false);
                    break;
            }
        }

        DateTimeOffset? retryAt = null;
        if (retryPossible)
        {
            TestScheduled = true;
            TestRetryCount++;
            retryAt = now + retry.Interval;
            NextTestAt = retryAt;
        }
        else
        {
            CancelScheduledTest();
            TestRetryCount = failures.Count == 0 ? 0 : TestRetryCount;
        }

        if (transientOnly && !retryPossible)
        {
            firstFailure = firstFailure! with
            {
                IsTransient = false,
                Message = $"{firstFailure.Message} It still failed after {retry.MaxRetries} retries, so the mailbox was disabled.",
            };
        }

        if (!string.IsNullOrEmpty(result.EwsUrl))
        {
            EwsUrl = result.EwsUrl;
        }

        LastTestCompletedAt = now;
        LastError = firstFailure is null ? null : new MailboxError(firstFailure.Code, firstFailure.Message, now);
        Touch(now);

        var resolution = failures.Count == 0 ? TestResolution.Enabled : retryPossible ? TestResolution.RetryScheduled : TestResolution.Disabled;
        return new TestRecord(resolution, enabled, failures.Select(f => f.Direction).ToList(), firstFailure, retryAt, TestRetryCount);
    }

    /// <summary>
    /// Records a failure found before contacting Exchange (see <see cref="TestAndEnablePreconditions"/>): the directions that use
    /// server-side synchronization fail and are disabled. Nothing changes when there was nothing to test.
    /// </summary>
    public TestRecord RecordPreconditionFailure(TestFailure failure, DateTimeOffset now)
    {
        var tested = ServerSideSynchronizationDirections;
        if (tested.Count == 0)
        {
            return new TestRecord(TestResolution.Skipped, [], [], failure, null, TestRetryCount);
        }

        foreach (var direction in tested)
        {
            SetDirection(direction, SyncStatus.Failure, enabled: false);
        }

        CancelScheduledTest();
        LastTestCompletedAt = now;
        LastError = new MailboxError(failure.Code, failure.Message, now);
        Touch(now);
        return new TestRecord(TestResolution.Disabled, [], tested, failure, null, TestRetryCount);
    }

    private static readonly SyncDirection[] AllDirections =
        [SyncDirection.IncomingEmail, SyncDirection.OutgoingEmail, SyncDirection.AppointmentsContactsAndTasks];

    /// <summary>Whether a direction is enabled: Test &amp; Enable passed it and nothing has disabled it since.</summary>
    public bool IsEnabledFor(SyncDirection direction) => direction switch
    {
        SyncDirection.IncomingEmail => EnabledForIncomingEmail,
        SyncDirection.OutgoingEmail => EnabledForOutgoingEmail,
        _ => EnabledForAct,
    };

    private void SetDirection(SyncDirection direction, SyncStatus status, bool enabled)
    {
        switch (direction)
        {
            case SyncDirection.IncomingEmail:
                IncomingEmailStatus = status;
                EnabledForIncomingEmail = enabled;
                break;
            case SyncDirection.OutgoingEmail:
                OutgoingEmailStatus = status;
                EnabledForOutgoingEmail = enabled;
                break;
            default:
                ActStatus = status;
                EnabledForAct = enabled;
                break;
        }
    }
}
