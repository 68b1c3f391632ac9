// Change tracking checks of the ExSync Exchange simulator with ews-javascript-api: user folders, SyncFolderItems
// across every kind of change, UpdateItem with categories, extended properties and ChangeKey conflicts, MoveItem,
// CopyItem, every DeleteItem mode, pull subscriptions and streaming subscriptions over a
// StreamingSubscriptionConnection (which ews-javascript-api runs in Node over @ewsjs/xhr's xhrStream).
// conformance.js calls run() once per phase; each check is reported through its check() helper.
"use strict";

const ews = require("ews-javascript-api");

// The property set ExSync stamps tracked items with; any GUID and name behave the same.
const LINK_ID_SET = "c11ff724-aa03-4555-9952-8fa248a11c3e";

async function run(context) {
    const { phase, check } = context;
    const service = context.createService(phase, context.xhr, context.ewsUrl(phase), context.options.mailbox);
    const stamp = Date.now();
    const linkId = new ews.ExtendedPropertyDefinition(new ews.Guid(LINK_ID_SET), "ExSyncLinkId", ews.MapiPropertyType.String);
    const shape = new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.ItemSchema.Subject, ews.ItemSchema.Categories, linkId]);
    let folder;

    await check(`${phase.name}: CreateFolder, FindFolders (Shallow and Deep) and Folder.Bind by id`, async () => {
        folder = new ews.Folder(service);
        folder.DisplayName = `Conformance ${stamp}`;
        await folder.Save(ews.WellKnownFolderName.Inbox);
        assert(folder.Id && folder.Id.UniqueId, "no FolderId after Save");
        const shallow = await service.FindFolders(ews.WellKnownFolderName.Inbox, new ews.FolderView(10));
        assert(shallow.Folders.some((found) => found.Id.UniqueId === folder.Id.UniqueId), "FindFolders (Shallow) under Inbox misses it");
        const deepView = new ews.FolderView(100);
        deepView.Traversal = ews.FolderTraversal.Deep;
        const deep = await service.FindFolders(ews.WellKnownFolderName.MsgFolderRoot, deepView);
        assert(deep.Folders.some((found) => found.DisplayName === folder.DisplayName), "FindFolders (Deep) from the top misses it");
        const bound = await ews.Folder.Bind(service, folder.Id);
        assert(bound.DisplayName === folder.DisplayName && bound.TotalCount === 0, `bound ${bound.DisplayName}, ${bound.TotalCount} items`);
        return `${deep.TotalCount} folders in the IPM subtree`;
    });
    if (!folder || !folder.Id) {
        return;
    }

    let state = null;
    const messages = [];
    await check(`${phase.name}: SyncFolderItems reports creates, updates, read flags and deletes, then nothing`, async () => {
        state = (await sync(service, folder.Id, null)).SyncState;
        for (let index = 0; index < 3; index++) {
            const message = new ews.EmailMessage(service);
            message.Subject = `sync probe ${index}`;
            await message.Save(folder.Id);
            messages.push(message);
        }

        let changes = await sync(service, folder.Id, state);
        expectChanges(changes, messages.map((message) => ["Create", message.Id.UniqueId]));
        state = changes.SyncState;

        const [first, second, third] = await findAll(service, folder.Id, shape);
        first.Categories = new ews.StringList(["Tracked to CRM"]);
        await first.Update(ews.ConflictResolutionMode.AutoResolve);
        second.IsRead = false;
        await second.Update(ews.ConflictResolutionMode.AutoResolve);
        await third.Delete(ews.DeleteMode.HardDelete);
        changes = await sync(service, folder.Id, state);
        expectChanges(changes, [["Update", first.Id.UniqueId], ["ReadFlagChange", second.Id.UniqueId], ["Delete", third.Id.UniqueId]]);
        const readFlag = changes.GetEnumerator().find((change) => change.ChangeType === ews.ChangeType.ReadFlagChange);
        assert(readFlag.IsRead === false, `ReadFlagChange says IsRead ${readFlag.IsRead}`);
        state = changes.SyncState;
        assert((await sync(service, folder.Id, state)).Count === 0, "changes after a complete sync");
        return "3 creates; update, read flag change and delete";
    });

    await check(`${phase.name}: SyncFolderItems with a state of another folder answers ErrorInvalidSyncStateData`, async () => {
        const error = await context.expectFailure(() => sync(service, new ews.FolderId(ews.WellKnownFolderName.Inbox), state));
        assert(error.ErrorCode === ews.ServiceError.ErrorInvalidSyncStateData, `got ${context.describe(error)}`);
    });

    await check(`${phase.name}: UpdateItem stamps categories and an extended property, and a stale ChangeKey conflicts`, async () => {
        const [fresh] = await findAll(service, folder.Id, shape);
        const [stale] = await findAll(service, folder.Id, shape);
        fresh.Categories = new ews.StringList(["Tracked to CRM", "Blue"]);
        fresh.SetExtendedProperty(linkId, `link-${stamp}`);
        await fresh.Update(ews.ConflictResolutionMode.AutoResolve);

        const [reloaded] = await findAll(service, folder.Id, shape);
        const categories = reloaded.Categories.GetEnumerator();
        assert(categories.length === 2 && categories[0] === "Tracked to CRM" && categories[1] === "Blue", `categories ${JSON.stringify(categories)}`);
        const value = { outValue: null };
        assert(reloaded.ExtendedProperties.TryGetValue(linkId, value) && value.outValue === `link-${stamp}`, `ExSyncLinkId ${value.outValue}`);
        assert(reloaded.Id.ChangeKey !== stale.Id.ChangeKey, "the ChangeKey did not change");

        stale.Categories = new ews.StringList(["Red"]);
        const error = await context.expectFailure(() => stale.Update(ews.ConflictResolutionMode.NeverOverwrite));
        assert(error.ErrorCode === ews.ServiceError.ErrorIrresolvableConflict, `got ${context.describe(error)}`);
        return "ErrorIrresolvableConflict for the stale copy";
    });

    await check(`${phase.name}: MoveItem and CopyItem give new ItemIds`, async () => {
        const [item] = await findAll(service, folder.Id, shape);
        const moved = await item.Move(ews.WellKnownFolderName.Drafts);
        assert(moved && moved.Id.UniqueId && moved.Id.UniqueId !== item.Id.UniqueId, "MoveItem returned no new id");
        const copied = await moved.Copy(folder.Id);
        assert(copied && copied.Id.UniqueId !== moved.Id.UniqueId, "CopyItem returned no new id");
        const inFolder = (await findAll(service, folder.Id, shape)).map((found) => found.Id.UniqueId);
        const inDrafts = (await findAll(service, new ews.FolderId(ews.WellKnownFolderName.Drafts), shape)).map((found) => found.Id.UniqueId);
        assert(!inFolder.includes(item.Id.UniqueId) && inFolder.includes(copied.Id.UniqueId), "the folder still has the moved item, or lacks the copy");
        assert(inDrafts.includes(moved.Id.UniqueId), "Drafts lacks the moved item");
        return "moved to Drafts and copied back";
    });

    await check(`${phase.name}: DeleteItem SoftDelete goes to the dumpster, MoveToDeletedItems to Deleted Items`, async () => {
        const soft = await saveProbe(service, folder.Id, `soft ${stamp}`);
        const bin = await saveProbe(service, folder.Id, `bin ${stamp}`);
        await soft.Delete(ews.DeleteMode.SoftDelete);
        await bin.Delete(ews.DeleteMode.MoveToDeletedItems);
        const dumpster = await findAll(service, new ews.FolderId(ews.WellKnownFolderName.RecoverableItemsDeletions), shape);
        const deletedItems = await findAll(service, new ews.FolderId(ews.WellKnownFolderName.DeletedItems), shape);
        assert(dumpster.some((item) => item.Subject === `soft ${stamp}`), "the soft-deleted item is not in Recoverable Items\\Deletions");
        assert(deletedItems.some((item) => item.Subject === `bin ${stamp}`), "the item is not in Deleted Items");
    });

    await check(`${phase.name}: pull subscription, GetEvents and Unsubscribe`, async () => {
        const subscription = await service.SubscribeToPullNotifications([folder.Id], 5, null,
            ews.EventType.NewMail, ews.EventType.Created, ews.EventType.Deleted, ews.EventType.Modified, ews.EventType.Moved);
        const quiet = await subscription.GetEvents();
        assert(quiet.ItemEvents.length === 0, `${quiet.ItemEvents.length} item events before any change`);
        const probe = await saveProbe(service, folder.Id, `pull ${stamp}`);
        await probe.Move(ews.WellKnownFolderName.Drafts);
        const results = await subscription.GetEvents();
        const kinds = results.ItemEvents.map((event) => ews.EventType[event.EventType]);
        assert(kinds.includes("Created") && kinds.includes("Moved"), `events ${kinds.join(", ")}`);
        const moved = results.ItemEvents.find((event) => event.EventType === ews.EventType.Moved);
        assert(moved.OldItemId && moved.OldItemId.UniqueId === probe.Id.UniqueId, "MovedEvent without the old ItemId");
        await subscription.Unsubscribe();
        const error = await context.expectFailure(() => subscription.GetEvents());
        assert(error.ErrorCode === ews.ServiceError.ErrorSubscriptionNotFound, `after Unsubscribe: ${context.describe(error)}`);
        return kinds.join(", ");
    });

    await check(`${phase.name}: streaming subscription over a StreamingSubscriptionConnection`, async () => {
        const subscription = await service.SubscribeToStreamingNotifications([new ews.FolderId(ews.WellKnownFolderName.Inbox)], ews.EventType.NewMail);
        const connection = new ews.StreamingSubscriptionConnection(service, 1);
        connection.AddSubscription(subscription);
        const notified = new Promise((resolve) => connection.OnNotificationEvent.push((_, args) => resolve(args)));
        const disconnected = new Promise((resolve) => connection.OnDisconnect.push(resolve));
        connection.Open().catch(() => { /* reported through OnDisconnect */ });
        // The library reports a live connection (IsOpen) once the first envelope, the server's ConnectionStatus OK, arrived.
        await within(until(() => connection.IsOpen), 10000, "the connection did not open");

        const mail = new ews.EmailMessage(service);
        mail.Subject = `streamed ${stamp}`;
        mail.ToRecipients.Add(context.options.mailbox);
        await mail.SendAndSaveCopy();
        const args = await within(notified, 10000, "no notification arrived");
        assert(args.Subscription.Id === subscription.Id, "the notification names another subscription");
        assert(args.Events.some((event) => event.EventType === ews.EventType.NewMail), "no NewMail event");

        connection.Close();
        await within(disconnected, 10000, "OnDisconnect was not raised");
        await subscription.Unsubscribe();
        return `${args.Events.length} event(s)`;
    });

    await check(`${phase.name}: DeleteFolder`, async () => {
        await folder.Delete(ews.DeleteMode.HardDelete);
        const error = await context.expectFailure(() => ews.Folder.Bind(service, folder.Id));
        assert(error.ErrorCode === ews.ServiceError.ErrorItemNotFound || error.ErrorCode === ews.ServiceError.ErrorFolderNotFound,
            `binding the deleted folder: ${context.describe(error)}`);
    });
}

function sync(service, folderId, state) {
    return service.SyncFolderItems(folderId, ews.PropertySet.IdOnly, null, 512, ews.SyncFolderItemsScope.NormalItems, state);
}

function expectChanges(changes, expected) {
    const actual = changes.GetEnumerator().map((change) => [ews.ChangeType[change.ChangeType], change.ItemId.UniqueId]);
    const describe = (list) => list.map(([kind, id]) => `${kind} ${id.slice(-8)}`).join(", ");
    assert(JSON.stringify(actual) === JSON.stringify(expected), `got ${describe(actual)}, expected ${describe(expected)}`);
}

async function findAll(service, folderId, shape) {
    const view = new ews.ItemView(100);
    view.PropertySet = shape;
    const results = await service.FindItems(folderId, view);
    return results.Items;
}

async function saveProbe(service, folderId, subject) {
    const message = new ews.EmailMessage(service);
    message.Subject = subject;
    await message.Save(folderId);
    return message;
}

async function until(condition) {
    while (!condition()) {
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

function within(promise, milliseconds, message) {
    let timer;
    const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(message)), milliseconds); });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function assert(condition, message) {
    if (!condition) {
        throw new Error(message);
    }
}

module.exports = { run };
