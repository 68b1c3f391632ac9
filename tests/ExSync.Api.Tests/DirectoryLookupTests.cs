using ExSync.Api.Tests.Infrastructure;
using ExSync.Domain.Directory;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Client = ExSync.Client;

namespace ExSync.Api.Tests;

/// <summary>
/// The lookup the synchronization engine resolves a message's parties with: directory entries the CRM wrote through the API, and
/// mailbox owners, which resolve as User or Queue without an entry; then the preference rule among several records.
/// </summary>
public sealed class DirectoryLookupTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachAddressGetsEveryRecordItMatchesMailboxOwnersIncludedWithoutAnEntry()
    {
        var domain = $"{Guid.NewGuid():N}.example";
        var alice = await MailboxAsync($"alice@{domain}", Client.MailboxOwnerType.User, "alice-user-id");
        var support = await MailboxAsync($"support@{domain}", Client.MailboxOwnerType.Queue, "support-queue-id");
        await EntryAsync(Client.DirectoryRecordType.Contact, "maria-contact", $"Maria@{domain}");
        await EntryAsync(Client.DirectoryRecordType.Lead, "maria-lead", $"maria@{domain.ToUpperInvariant()}", $"m.garcia@{domain}");
        await EntryAsync(Client.DirectoryRecordType.Contact, "support-contact", $"support@{domain}");

        // The same record as the mailbox's owner: named once, as the mailbox.
        await EntryAsync(Client.DirectoryRecordType.User, "alice-user-id", $"alice@{domain}");

        var matches = await LookUpAsync($"ALICE@{domain}", $"maria@{domain}", $"support@{domain}", $"nobody@{domain}", $"maria@{domain}");

        Assert.Equal(new[] { $"ALICE@{domain}", $"MARIA@{domain}", $"SUPPORT@{domain}", $"NOBODY@{domain}" }.Select(a => a.ToUpperInvariant()).Order(), matches.Keys.Order());
        var aliceMatch = Assert.Single(matches[$"ALICE@{domain}".ToUpperInvariant()]);
        Assert.Equal((new CrmRecordReference(DirectoryRecordType.User, "alice-user-id"), DirectoryMatchSource.Mailbox, alice.ToString(), "Alice Example"),
            (aliceMatch.Record, aliceMatch.Source, aliceMatch.SourceId, aliceMatch.DisplayName));
        Assert.Equal(
            [(DirectoryRecordType.Contact, "maria-contact"), (DirectoryRecordType.Lead, "maria-lead")],
            matches[$"MARIA@{domain}".ToUpperInvariant()].Select(m => (m.Record.RecordType, m.Record.RecordId)).Order());
        Assert.Equal(
            [(DirectoryRecordType.Queue, "support-queue-id", DirectoryMatchSource.Mailbox), (DirectoryRecordType.Contact, "support-contact", DirectoryMatchSource.DirectoryEntry)],
            matches[$"SUPPORT@{domain}".ToUpperInvariant()].Select(m => (m.Record.RecordType, m.Record.RecordId, m.Source)).OrderBy(m => m.Source));
        Assert.Equal(support.ToString(), matches[$"SUPPORT@{domain}".ToUpperInvariant()].Single(m => m.Source == DirectoryMatchSource.Mailbox).SourceId);
        Assert.Empty(matches[$"NOBODY@{domain}".ToUpperInvariant()]);

        // The preference rule: a queue before a contact, a contact before a lead.
        Assert.Equal(DirectoryRecordType.Queue, RecordPreference.Choose(matches[$"SUPPORT@{domain}".ToUpperInvariant()])!.Record.RecordType);
        Assert.Equal("maria-contact", RecordPreference.Choose(matches[$"MARIA@{domain}".ToUpperInvariant()])!.Record.RecordId);
    }

    [Fact]
    public async Task AnEntryReplacedOrDeletedThroughTheApiIsWhatTheLookupSeesNext()
    {
        var address = $"{Guid.NewGuid():N}@fabrikam.example";
        var directory = app.DirectoryEntries();
        var id = DirectoryEntriesTests.NewId();
        var entry = await directory.PutDirectoryEntryAsync(id, new Client.DirectoryEntryInput
        {
            RecordType = Client.DirectoryRecordType.Account, RecordId = "account-1", DisplayName = "Fabrikam", EmailAddresses = [address],
        }, cancellationToken: Ct);
        Assert.Equal("account-1", Assert.Single((await LookUpAsync(address)).Single().Value).Record.RecordId);

        await directory.PutDirectoryEntryAsync(id, new Client.DirectoryEntryInput
        {
            RecordType = Client.DirectoryRecordType.Account, RecordId = "account-1", DisplayName = "Fabrikam", EmailAddresses = ["other@fabrikam.example"],
        }, cancellationToken: Ct);
        Assert.Empty((await LookUpAsync(address)).Single().Value);

        await directory.DeleteDirectoryEntryAsync(id, cancellationToken: Ct);
        Assert.DoesNotContain(entry.Id, (await LookUpAsync("other@fabrikam.example")).Single().Value.Select(m => m.SourceId));
    }

    [Fact]
    public async Task NoAddressesNeedNoQuery()
    {
        Assert.Empty(await LookUpAsync());
    }

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>>> LookUpAsync(params string[] addresses)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ExSyncDbContext>>().CreateDbContextAsync(Ct);
        return await db.FindDirectoryMatchesAsync(addresses, Ct);
    }

    private async Task<Guid> MailboxAsync(string address, Client.MailboxOwnerType ownerType, string ownerId)
    {
        var input = TestData.MailboxWithoutSync();
        input.EmailAddress = address;
        input.Owner = new Client.MailboxOwnerInput { Type = ownerType, Id = ownerId, Name = ownerType == Client.MailboxOwnerType.User ? "Alice Example" : null };
        return (await app.Mailboxes().CreateMailboxAsync(input, Ct)).Id;
    }

    private Task EntryAsync(Client.DirectoryRecordType type, string recordId, params string[] addresses) =>
        app.DirectoryEntries().PutDirectoryEntryAsync(DirectoryEntriesTests.NewId(), new Client.DirectoryEntryInput
        {
            RecordType = type, RecordId = recordId, DisplayName = recordId, EmailAddresses = addresses,
        }, cancellationToken: Ct);
}
