using ExSync.Exchange.Ews;

namespace ExSync.Exchange.Connectivity;

/// <summary>The connection chain steps and the per-direction checks.</summary>
internal sealed partial class ConnectivityFlow
{
    private const string IncomingTitle = "Incoming email: read the Inbox";
    private const string ActTitle = "Appointments, contacts and tasks: read Calendar, Contacts and Tasks and check organization ownership";
    private const string TestMessageSubject = "Your mailbox is now connected to ExSync";

    /// <summary>The step of the chain at which an error from the first request is detected.</summary>
    internal enum Stage
    {
        Connect,
        Authenticate,
        ServerVersion,
        Impersonate,
    }

    private string OutgoingTitle => _request.SendTestMessage
        ? "Outgoing email: create and delete a draft, and send a confirmation message"
        : "Outgoing email: create and delete a draft";

    internal static Stage StageOf(string code) => code switch
    {
        ExchangeErrorCodes.InvalidEwsUrl or ExchangeErrorCodes.InsecureHttpNotAllowed or ExchangeErrorCodes.OutboundAddressBlocked
            or ExchangeErrorCodes.InvalidTrustedCertificate or ExchangeErrorCodes.HostNotFound or ExchangeErrorCodes.DnsResolutionFailed
            or ExchangeErrorCodes.ConnectionRefused or ExchangeErrorCodes.ConnectionFailed or ExchangeErrorCodes.ConnectionDropped
            or ExchangeErrorCodes.Timeout or ExchangeErrorCodes.TlsHandshakeFailed or ExchangeErrorCodes.CertificateUntrusted
            or ExchangeErrorCodes.CertificateNameMismatch or ExchangeErrorCodes.CertificateInvalid or ExchangeErrorCodes.EwsEndpointNotFound
            or ExchangeErrorCodes.UnexpectedRedirect or ExchangeErrorCodes.ServiceUnavailable or ExchangeErrorCodes.UnexpectedHttpStatus
            or ExchangeErrorCodes.UnexpectedResponse or ExchangeErrorCodes.MalformedResponse => Stage.Connect,
        ExchangeErrorCodes.AuthenticationFailed or ExchangeErrorCodes.AccessForbidden or ExchangeErrorCodes.AccountDisabled
            or ExchangeErrorCodes.OAuthClientAuthenticationFailed or ExchangeErrorCodes.OAuthTokenRequestFailed
            or ExchangeErrorCodes.OAuthTokenServiceUnavailable => Stage.Authenticate,
        ExchangeErrorCodes.UnsupportedServerVersion or ExchangeErrorCodes.RequestRejected => Stage.ServerVersion,
        _ => Stage.Impersonate, // impersonation rights, missing mailbox, mailbox database, throttling
    };

    /// <summary>
    /// Connect → authenticate → version → impersonate. With no error all pass; with an error, the stage it belongs
    /// to fails and later stages are skipped. <paramref name="skippedBecause"/> skips the whole chain. The request's
    /// <paramref name="attempts"/> go with its duration, on the first step.
    /// </summary>
    private List<ConnectivityStep> ChainSteps(
        Stage? failedAt, ExchangeError? error, TimeSpan requestDuration, ExchangeServerVersion? version, Uri? ewsUrl, string? skippedBecause,
        IReadOnlyList<ConnectivityStep> attempts)
    {
        var account = _settings.Authentication.Describe();
        var connectTitle = ewsUrl is null
            ? "Connect to the EWS server"
            : $"Connect to {ewsUrl.Host}:{ewsUrl.Port} {(ewsUrl.Scheme == Uri.UriSchemeHttps ? "over TLS" : "over plain http (development only)")}";
        var chain = new (Stage Stage, string Id, string Title, Func<string> PassedDetail)[]
        {
            (Stage.Connect, ConnectivityStepIds.Connect, connectTitle,
                () => ewsUrl!.Scheme == Uri.UriSchemeHttps ? "Connected; the server certificate is valid and trusted." : "Connected without TLS."),
            (Stage.Authenticate, ConnectivityStepIds.Authenticate, $"Authenticate as {account}", () => "The credentials were accepted."),
            (Stage.ServerVersion, ConnectivityStepIds.ServerVersion, "Check that the server runs Exchange 2013 SP1 or later",
                () => $"{version!.ProductName}, build {version.Build}."),
            (Stage.Impersonate, ConnectivityStepIds.Impersonate, $"Impersonate {Mailbox} and open the mailbox",
                () => $"The mailbox was opened through Exchange impersonation."),
        };

        var steps = new List<ConnectivityStep>(chain.Length);
        string? failedTitle = skippedBecause;
        foreach (var (stage, id, title, passedDetail) in chain)
        {
            // The first request's time is reported once, on the first step it exercised.
            var first = steps.Count == 0 && skippedBecause is null;
            var duration = first ? requestDuration : TimeSpan.Zero;
            var children = first ? attempts : [];
            if (failedTitle is not null)
            {
                steps.Add(Step(id, title, ConnectivityStepOutcome.Skipped, detail: $"Skipped because \"{failedTitle}\" failed."));
            }
            else if (stage == failedAt)
            {
                steps.Add(Step(id, title, ConnectivityStepOutcome.Failed, duration, error: error, children: children));
                failedTitle = title;
            }
            else if (stage == Stage.ServerVersion && version is null)
            {
                // A request-level failure at a later stage (for example impersonation) usually comes as a SOAP fault
                // without ServerVersionInfo, so the version is simply not known yet.
                steps.Add(Step(id, title, ConnectivityStepOutcome.Skipped, duration,
                    detail: "The server did not report its version in the failed response; it is checked once the mailbox can be opened."));
            }
            else
            {
                steps.Add(Step(id, title, ConnectivityStepOutcome.Passed, duration, detail: passedDetail(), children: children));
            }
        }

        return steps;
    }

    private ConnectivityStep TestIncoming(GetFolderResponse response) =>
        FolderStep(ConnectivityStepIds.Incoming, IncomingTitle, Folder(response, DistinguishedFolderName.Inbox));

    private async Task<ConnectivityStep> TestOutgoingAsync(EwsTarget target, GetFolderResponse response, CancellationToken cancellationToken)
    {
        var children = new List<ConnectivityStep>
        {
            FolderStep(ConnectivityStepIds.ReadDrafts, "Read the Drafts folder", Folder(response, DistinguishedFolderName.Drafts)),
            FolderStep(ConnectivityStepIds.ReadSentItems, "Read the Sent Items folder", Folder(response, DistinguishedFolderName.SentItems)),
        };
        var remaining = new List<(string Id, string Title)>
        {
            (ConnectivityStepIds.CreateDraft, "Create a draft in Drafts"),
            (ConnectivityStepIds.DeleteDraft, "Permanently delete the draft"),
        };
        if (_request.SendTestMessage)
        {
            remaining.Add((ConnectivityStepIds.SendTestMessage, $"Send \"{TestMessageSubject}\" to {Mailbox}"));
        }

        string? failed = children.FirstOrDefault(c => c.Outcome == ConnectivityStepOutcome.Failed)?.Title;
        var draftSubject = $"ExSync connectivity test {Guid.NewGuid():N}";
        EwsItemId? draft = null;
        foreach (var (id, title) in remaining)
        {
            if (failed is not null)
            {
                children.Add(Step(id, title, ConnectivityStepOutcome.Skipped, detail: $"Skipped because \"{failed}\" failed."));
                continue;
            }

            var call = await TraceAsync(() => id switch
            {
                ConnectivityStepIds.CreateDraft => CreateDraftAsync(target, draftSubject, d => draft = d, cancellationToken),
                ConnectivityStepIds.DeleteDraft => DeleteDraftAsync(target, draft!, draftSubject, cancellationToken),
                _ => SendTestMessageAsync(target, cancellationToken),
            }).ConfigureAwait(false);
            children.Add(call.Error is null
                ? Step(id, title, ConnectivityStepOutcome.Passed, call.Duration, call.Result, children: call.Attempts)
                : Step(id, title, ConnectivityStepOutcome.Failed, call.Duration, error: call.Error, children: call.Attempts));
            failed = call.Error is null ? null : title;
        }

        return Parent(ConnectivityStepIds.Outgoing, OutgoingTitle, children);
    }

    private async Task<string> CreateDraftAsync(EwsTarget target, string subject, Action<EwsItemId> created, CancellationToken cancellationToken)
    {
        var response = await _ews.CreateMessageAsync(target, new CreateMessageRequest
        {
            Disposition = MessageDisposition.SaveOnly,
            SavedItemFolder = EwsFolderId.Distinguished(DistinguishedFolderName.Drafts),
            Subject = subject,
            Body = "This draft was created by the ExSync mailbox connectivity test and is deleted immediately.",
        }, cancellationToken).ConfigureAwait(false);
        if (response.ItemId is null)
        {
            throw new ExchangeException(ExchangeErrors.UnexpectedResponse(
                new ErrorContext("CreateItem", target.EwsUrl, _settings.Authentication, Mailbox), "the saved draft's ItemId is missing", 200));
        }

        created(response.ItemId);
        return $"Draft \"{subject}\" created.";
    }

    private async Task<string> DeleteDraftAsync(EwsTarget target, EwsItemId draft, string subject, CancellationToken cancellationToken)
    {
        var response = await _ews.DeleteItemAsync(target, new DeleteItemRequest { Items = [draft], DeleteType = DeleteType.HardDelete },
            cancellationToken).ConfigureAwait(false);
        if (response.Items[0].Error is { } error)
        {
            throw new ExchangeException(error with
            {
                Message = $"{error.Message} The test draft \"{subject}\" may still be in the Drafts folder; it can be deleted by hand.",
            });
        }

        return "The draft was permanently deleted.";
    }

    private async Task<string> SendTestMessageAsync(EwsTarget target, CancellationToken cancellationToken)
    {
        await _ews.CreateMessageAsync(target, new CreateMessageRequest
        {
            Disposition = MessageDisposition.SendAndSaveCopy,
            Subject = TestMessageSubject,
            Body = "ExSync can now send and receive email for this mailbox. This message confirms that outgoing email works; no action is needed.",
            ToRecipients = [Mailbox],
        }, cancellationToken).ConfigureAwait(false);
        return $"Sent to {Mailbox}; a copy is in Sent Items.";
    }

    private async Task<ConnectivityStep> TestAppointmentsContactsAndTasksAsync(
        EwsTarget target, GetFolderResponse response, CancellationToken cancellationToken)
    {
        var children = new List<ConnectivityStep>
        {
            FolderStep(ConnectivityStepIds.ReadCalendar, "Read the Calendar folder", Folder(response, DistinguishedFolderName.Calendar)),
            FolderStep(ConnectivityStepIds.ReadContacts, "Read the Contacts folder", Folder(response, DistinguishedFolderName.Contacts)),
            FolderStep(ConnectivityStepIds.ReadTasks, "Read the Tasks folder", Folder(response, DistinguishedFolderName.Tasks)),
        };

        const string OwnershipTitle = "Check which ExSync organization synchronizes this mailbox";
        var failed = children.FirstOrDefault(c => c.Outcome == ConnectivityStepOutcome.Failed)?.Title;
        if (failed is not null)
        {
            // Claiming a mailbox whose folders cannot be read would only block another organization for nothing.
            children.Add(Step(ConnectivityStepIds.OrganizationOwnership, OwnershipTitle, ConnectivityStepOutcome.Skipped,
                detail: $"Skipped because \"{failed}\" failed."));
        }
        else
        {
            children.Add(await CheckOwnershipAsync(target, Folder(response, DistinguishedFolderName.MsgFolderRoot), OwnershipTitle, cancellationToken)
                .ConfigureAwait(false));
        }

        return Parent(ConnectivityStepIds.AppointmentsContactsAndTasks, ActTitle, children);
    }
}
