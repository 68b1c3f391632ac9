namespace ExSync.Exchange.Ews;

// ---- CreateItem (send a composed message) ------------------------------------------------------------------------

/// <summary>A recipient named explicitly on a sent message.</summary>
/// <param name="EmailAddress">The SMTP address.</param>
/// <param name="Name">The display name, if any.</param>
public sealed record SmtpRecipient(string EmailAddress, string? Name = null);

/// <summary>
/// CreateItem with <c>MessageDisposition="SendAndSaveCopy"</c> for one message the caller composed as RFC 5322 MIME (its own
/// Message-ID, In-Reply-To, References, body and attachments), sent from the impersonated mailbox.
/// </summary>
/// <remarks>
/// Exchange builds the message from <see cref="MimeContent"/> and then applies the other properties. Give every recipient
/// explicitly (To, Cc and Bcc): those lists are what the message is delivered to, so Bcc recipients are honoured whatever the
/// MIME carries (a composed message should not carry a Bcc header at all). Only with no explicit recipient at all are the
/// recipients taken from the MIME headers. The copy saved in
/// <see cref="SavedItemFolder"/> carries <see cref="ExtendedProperties"/>, which is how the message is found again
/// (<see cref="FindItemRequest.Restriction"/>) when a send ended with <see cref="ExchangeError.OutcomeUnknown"/>.
/// </remarks>
public sealed record SendMessageRequest
{
    /// <summary>The whole message as RFC 5322 / MIME bytes (sent base64-encoded in <c>t:MimeContent</c>).</summary>
    public required ReadOnlyMemory<byte> MimeContent { get; init; }

    /// <summary>Where the sent copy is saved (<c>SavedItemFolderId</c>); Sent Items by default.</summary>
    public EwsFolderId SavedItemFolder { get; init; } = EwsFolderId.Distinguished(DistinguishedFolderName.SentItems);

    /// <summary>Extended properties to stamp on the message, for example ExSync's link to the CRM activity.</summary>
    public IReadOnlyList<ExtendedPropertyValue> ExtendedProperties { get; init; } = [];

    /// <summary>Outlook categories of the sent copy.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>To recipients.</summary>
    public IReadOnlyList<SmtpRecipient> ToRecipients { get; init; } = [];

    /// <summary>Cc recipients.</summary>
    public IReadOnlyList<SmtpRecipient> CcRecipients { get; init; } = [];

    /// <summary>Bcc recipients: delivered, and not visible to the other recipients.</summary>
    public IReadOnlyList<SmtpRecipient> BccRecipients { get; init; } = [];
}

/// <summary>The answer to a successful send. EWS returns no item id for a sent message: find the saved copy by its stamp.</summary>
/// <param name="ServerVersion">The server version from the SOAP header, if sent.</param>
public sealed record SendMessageResponse(ExchangeServerVersion? ServerVersion);

// ---- Restrictions (FindItem) -------------------------------------------------------------------------------------

/// <summary>A FindItem search restriction (<c>m:Restriction</c>).</summary>
public abstract record ItemRestriction
{
    private protected ItemRestriction()
    {
    }

    /// <summary>Items whose extended property equals <paramref name="value"/>, for example ExSync's link stamp.</summary>
    /// <param name="property">The extended property.</param>
    /// <param name="value">The value, as EWS writes it for the property's type.</param>
    public static IsEqualToRestriction IsEqualTo(ExtendedPropertyDefinition property, string value)
    {
        ArgumentNullException.ThrowIfNull(property);
        ArgumentNullException.ThrowIfNull(value);
        return new IsEqualToRestriction(null, property, value);
    }

    /// <summary>Items whose first-class property equals <paramref name="value"/>, for example <c>message:InternetMessageId</c>.</summary>
    /// <param name="fieldUri">The property's FieldURI.</param>
    /// <param name="value">The value.</param>
    public static IsEqualToRestriction IsEqualTo(string fieldUri, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fieldUri);
        ArgumentNullException.ThrowIfNull(value);
        return new IsEqualToRestriction(fieldUri, null, value);
    }
}

/// <summary><c>t:IsEqualTo</c>: one property (a FieldURI or an ExtendedFieldURI) compared with a constant.</summary>
public sealed record IsEqualToRestriction : ItemRestriction
{
    internal IsEqualToRestriction(string? fieldUri, ExtendedPropertyDefinition? extendedProperty, string value)
    {
        FieldUri = fieldUri;
        ExtendedProperty = extendedProperty;
        Value = value;
    }

    /// <summary>The first-class property compared, or null when it is <see cref="ExtendedProperty"/>.</summary>
    public string? FieldUri { get; }

    /// <summary>The extended property compared, or null when it is <see cref="FieldUri"/>.</summary>
    public ExtendedPropertyDefinition? ExtendedProperty { get; }

    /// <summary>The constant.</summary>
    public string Value { get; }
}
