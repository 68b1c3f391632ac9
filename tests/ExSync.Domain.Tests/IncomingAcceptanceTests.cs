using ExSync.Domain.Directory;
using ExSync.Domain.Emails;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Sync;

namespace ExSync.Domain.Tests;

public sealed class IncomingAcceptanceTests
{
    private static readonly CrmRecordReference Contact = new(DirectoryRecordType.Contact, "c-1");
    private static readonly CrmRecordReference Colleague = new(DirectoryRecordType.User, "u-1");

    private static MessageFacts Facts(bool category = false, bool response = false, params CrmRecordReference[] from) => new(category, response, from);

    private static AcceptingMailbox Found(IncomingEmailFilteringMethod filter, bool addressed = true) => new(Guid.NewGuid(), filter, addressed);

    [Theory]
    [InlineData(IncomingEmailFilteringMethod.AllEmailMessages, false, false, TrackingReason.AllEmailMessages)]
    [InlineData(IncomingEmailFilteringMethod.ResponsesToCrmEmail, true, false, TrackingReason.ResponseToCrmEmail)]
    [InlineData(IncomingEmailFilteringMethod.ResponsesToCrmEmail, false, true, null)]
    [InlineData(IncomingEmailFilteringMethod.FromCrmRecords, false, true, TrackingReason.FromCrmRecord)]
    [InlineData(IncomingEmailFilteringMethod.FromCrmRecords, true, false, TrackingReason.ResponseToCrmEmail)]
    [InlineData(IncomingEmailFilteringMethod.FromEmailEnabledRecords, false, true, TrackingReason.FromEmailEnabledRecord)]
    [InlineData(IncomingEmailFilteringMethod.None, true, true, null)]
    public void EachFilteringMethodAcceptsWhatDynamicsDoes(IncomingEmailFilteringMethod filter, bool response, bool fromContact, TrackingReason? expected)
    {
        var facts = Facts(response: response, from: fromContact ? [Contact] : []);

        Assert.Equal(expected, IncomingAcceptance.Accepts(filter, facts));
    }

    [Fact]
    public void FromCrmRecordsMeansContactsAccountsAndLeadsWhileFromEmailEnabledRecordsTakesAnyRecord()
    {
        var fromColleague = Facts(from: Colleague);

        Assert.Null(IncomingAcceptance.Accepts(IncomingEmailFilteringMethod.FromCrmRecords, fromColleague));
        Assert.Equal(TrackingReason.FromEmailEnabledRecord, IncomingAcceptance.Accepts(IncomingEmailFilteringMethod.FromEmailEnabledRecords, fromColleague));
        Assert.Null(IncomingAcceptance.Accepts(IncomingEmailFilteringMethod.FromEmailEnabledRecords, Facts()));
    }

    [Fact]
    public void TheTrackingCategoryTracksWhateverTheFiltersSay()
    {
        var decision = IncomingAcceptance.ForReceived(Facts(category: true), Found(IncomingEmailFilteringMethod.None, addressed: false), []);

        Assert.Equal(TrackingReason.TrackedCategory, decision.TrackedBecause);
    }

    [Fact]
    public void AnyRecipientMailboxThatAcceptsTracksTheMessage()
    {
        var strict = Found(IncomingEmailFilteringMethod.ResponsesToCrmEmail);
        var open = Found(IncomingEmailFilteringMethod.FromCrmRecords);

        var decision = IncomingAcceptance.ForReceived(Facts(from: Contact), strict, [open]);
        var alone = IncomingAcceptance.ForReceived(Facts(from: Contact), strict, []);

        Assert.Equal(TrackingReason.FromCrmRecord, decision.TrackedBecause);
        Assert.Equal((null, ItemReasons.FilteredOut), (alone.TrackedBecause, alone.NotTrackedReason));
    }

    [Fact]
    public void AMailboxNotAmongTheRecipientsAcceptsOnlyWithAllEmailMessages()
    {
        var bccOnly = IncomingAcceptance.ForReceived(Facts(response: true), Found(IncomingEmailFilteringMethod.ResponsesToCrmEmail, addressed: false), []);
        var catchAll = IncomingAcceptance.ForReceived(Facts(), Found(IncomingEmailFilteringMethod.AllEmailMessages, addressed: false), []);

        Assert.Equal(ItemReasons.NoRecipientMatch, bccOnly.NotTrackedReason);
        Assert.Equal(TrackingReason.AllEmailMessages, catchAll.TrackedBecause);
    }

    [Fact]
    public void SentItemsAreJudgedByTheirRecipients()
    {
        var toContact = IncomingAcceptance.ForSent(Facts(from: Contact), Found(IncomingEmailFilteringMethod.FromCrmRecords));
        var toNobody = IncomingAcceptance.ForSent(Facts(), Found(IncomingEmailFilteringMethod.FromCrmRecords));

        Assert.Equal(TrackingReason.FromCrmRecord, toContact.TrackedBecause);
        Assert.Equal(ItemReasons.FilteredOut, toNobody.NotTrackedReason);
    }
}
