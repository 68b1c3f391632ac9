namespace ExSync.Exchange;

/// <summary>
/// What was being attempted when an error happened, so messages can name the URL, account and mailbox.
/// Never contains secrets: only the authentication's description is used.
/// </summary>
internal readonly record struct ErrorContext(
    string Operation,
    Uri? Url,
    ExchangeAuthentication? Authentication,
    string? Mailbox)
{
    public string Host => Url?.Host ?? "the server";

    public string Target => Url is null ? "the server" : $"{Url.GetLeftPart(UriPartial.Path)}";

    public string Account => Authentication switch
    {
        ServiceAccountAuthentication account => account.UserName,
        HybridModernAuthentication oauth => $"application {oauth.ClientId}",
        _ => "the service account",
    };

    public string MailboxOrDefault => Mailbox ?? "the mailbox";
}
