namespace ExSync.Domain.Directory;

/// <summary>
/// The kind of CRM record an email address belongs to. Extensible: values may be added in later versions, and clients must tolerate
/// values they do not know.
/// </summary>
public enum DirectoryRecordType
{
    /// <summary>A CRM user. Mailbox owners of type User resolve as this without a directory entry.</summary>
    User,

    /// <summary>A CRM queue (a shared mailbox such as support@). Mailbox owners of type Queue resolve as this without a directory entry.</summary>
    Queue,

    /// <summary>A contact (a person outside the organization).</summary>
    Contact,

    /// <summary>An account (a company).</summary>
    Account,

    /// <summary>A lead (a prospect not qualified yet).</summary>
    Lead,

    /// <summary>Any other record the CRM lets receive email.</summary>
    Other,
}

/// <summary>A CRM record: what a party of an email resolved to.</summary>
/// <param name="RecordType">The kind of record.</param>
/// <param name="RecordId">The CRM's id of the record.</param>
public sealed record CrmRecordReference(DirectoryRecordType RecordType, string RecordId);
