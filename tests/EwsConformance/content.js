// Message content checks of the ExSync Exchange simulator with ews-javascript-api: FindItems with a restriction and a
// sort order, GetItem with properties, body types, headers, attachments and MimeContent, GetAttachment, extended
// properties by tag, CreateItem with MimeContent, ConvertId, GetItem errors and refusals, and SOAP autodiscover
// settings. The simulator serving the phase must hold, in --mailbox's Inbox, the messages the C# test delivers
// before it runs this script: "Budget review" (HTML and text bodies, a PDF, an inline image, an attached message,
// X-Mailer, Importance High, In-Reply-To and References) and its reply "RE: Budget review".
"use strict";

const ews = require("ews-javascript-api");

/** Runs every content check for one phase; the helpers are conformance.js's own. */
async function run(phase, xhr, { check, assert, createService, ewsUrl, options, expectFailure, describe }) {
    const service = createService(phase, xhr, ewsUrl(phase), options.mailbox);
    const inbox = new ews.FolderId(ews.WellKnownFolderName.Inbox);
    let budget;
    let reply;

    await check(`${phase.name}: FindItems with a restriction and a sort order`, async () => {
        const view = new ews.ItemView(10);
        view.OrderBy.Add(ews.ItemSchema.DateTimeReceived, ews.SortDirection.Ascending);
        const filter = new ews.SearchFilter.ContainsSubstring(ews.ItemSchema.Subject, "budget review", ews.ContainmentMode.Substring, ews.ComparisonMode.IgnoreCase);
        const found = await service.FindItems(inbox, filter, view);
        const subjects = found.Items.map((item) => item.Subject);
        assert(subjects.length === 2 && subjects[0] === "Budget review" && subjects[1] === "RE: Budget review", `found ${JSON.stringify(subjects)}`);
        [budget, reply] = found.Items;

        view.OrderBy.Clear();
        view.OrderBy.Add(ews.ItemSchema.Subject, ews.SortDirection.Descending);
        const descending = await service.FindItems(inbox, filter, view);
        assert(descending.Items[0].Subject === "RE: Budget review", `descending by subject starts with ${descending.Items[0].Subject}`);
        return `${found.TotalCount} of the Inbox`;
    });
    if (!budget) {
        return;
    }

    let message;
    await check(`${phase.name}: GetItem (EmailMessage.Bind) with first-class properties, headers and MimeContent`, async () => {
        const properties = new ews.PropertySet(ews.BasePropertySet.FirstClassProperties,
            [ews.ItemSchema.MimeContent, ews.ItemSchema.InternetMessageHeaders, ews.ItemSchema.TextBody, ews.ItemSchema.UniqueBody]);
        message = await ews.EmailMessage.Bind(service, budget.Id, properties);
        assert(message.Subject === "Budget review", `Subject ${message.Subject}`);
        assert(message.From.Address === "paula@example.org", `From ${message.From.Address}`);
        assert(message.ToRecipients.Count === 1 && message.ToRecipients._getItem(0).Address === options.mailbox, "ToRecipients");
        assert(message.InternetMessageId === "<budget-2@example.org>", `InternetMessageId ${message.InternetMessageId}`);
        assert(message.InReplyTo === "<budget-1@example.org>", `InReplyTo ${message.InReplyTo}`);
        assert(message.References === "<budget-0@example.org> <budget-1@example.org>", `References ${message.References}`);
        assert(message.Importance === ews.Importance.High, `Importance ${ews.Importance[message.Importance]}`);
        assert(message.HasAttachments === true, "HasAttachments");
        assert(message.Body.BodyType === ews.BodyType.HTML && message.Body.Text.includes("<b>numbers</b>"), "HTML body");
        assert(message.TextBody.Text.startsWith("Here are the numbers."), `TextBody ${message.TextBody.Text}`);
        assert(message.ConversationId && message.ConversationId.UniqueId, "ConversationId");
        const mailer = message.InternetMessageHeaders.Find("X-Mailer");
        assert(mailer && mailer.Value === "Outlook 16", "X-Mailer header");
        const mime = Buffer.from(message.MimeContent.Content, "base64").toString("utf8");
        assert(mime.includes("Subject: Budget review"), "MimeContent");
        return `${message.Attachments.Count} attachments, ${message.InternetMessageHeaders.Count} headers`;
    });

    await check(`${phase.name}: GetItem with BodyType Text converts the HTML body`, async () => {
        const properties = new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.ItemSchema.Body]);
        properties.RequestedBodyType = ews.BodyType.Text;
        const text = await ews.EmailMessage.Bind(service, budget.Id, properties);
        assert(text.Body.BodyType === ews.BodyType.Text, `BodyType ${ews.BodyType[text.Body.BodyType]}`);
        assert(text.Body.Text.includes("Here are the numbers.") && !text.Body.Text.includes("<b>"), `Text ${text.Body.Text}`);
    });

    await check(`${phase.name}: replies share the ConversationId`, async () => {
        const properties = new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.ItemSchema.ConversationId, ews.EmailMessageSchema.ConversationIndex]);
        const [first, second] = await Promise.all([budget, reply].map((item) => ews.EmailMessage.Bind(service, item.Id, properties)));
        assert(first.ConversationId.UniqueId === second.ConversationId.UniqueId, "different ConversationIds");
    });

    await check(`${phase.name}: GetAttachment loads file content and the attached message`, async () => {
        const attachments = message.Attachments.GetEnumerator();
        const pdf = attachments.find((attachment) => attachment.Name === "report.pdf");
        const attached = attachments.find((attachment) => attachment instanceof ews.ItemAttachment);
        assert(pdf && attached, `attachments ${attachments.map((attachment) => attachment.Name)}`);
        await pdf.Load();
        assert(Buffer.from(pdf.Base64Content, "base64").toString("latin1") === "%PDF-", "PDF content");
        // ItemAttachment.Load() cannot work in ews-javascript-api 0.15.3: its request validation calls
        // ItemAttachment.Validate(index), which reads Item.Attachments before the item is loaded. Asking by id is the
        // same GetAttachment request without that client-side step.
        const responses = await service.GetAttachments([attached.Id], null, null);
        const loaded = responses.Responses[0].Attachment;
        assert(loaded instanceof ews.ItemAttachment && loaded.Item.Subject === "Original request", `attached Subject ${loaded && loaded.Item && loaded.Item.Subject}`);
        const inline = attachments.find((attachment) => attachment.IsInline);
        assert(inline && inline.ContentId === "logo@example.org", "inline image");
    });

    await check(`${phase.name}: extended properties by tag agree with first-class properties`, async () => {
        const subjectTag = new ews.ExtendedPropertyDefinition(0x0037, ews.MapiPropertyType.String);
        const sizeTag = new ews.ExtendedPropertyDefinition(0x0E08, ews.MapiPropertyType.Integer);
        const properties = new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.ItemSchema.Subject, ews.ItemSchema.Size, subjectTag, sizeTag]);
        const tagged = await ews.EmailMessage.Bind(service, budget.Id, properties);
        const subject = { outValue: null };
        const size = { outValue: null };
        assert(tagged.ExtendedProperties.TryGetValue(subjectTag, subject) && subject.outValue === tagged.Subject, `PR_SUBJECT ${subject.outValue}`);
        assert(tagged.ExtendedProperties.TryGetValue(sizeTag, size) && Number(size.outValue) === tagged.Size, `PR_MESSAGE_SIZE ${size.outValue}`);
    });

    await check(`${phase.name}: a property the simulator does not simulate is refused, not left out`, async () => {
        const properties = new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.AppointmentSchema.Start]);
        const error = await expectFailure(() => ews.EmailMessage.Bind(service, budget.Id, properties));
        const code = error.ResponseCode !== undefined ? error.ResponseCode : error.ErrorCode;
        assert(code === ews.ServiceError.ErrorInvalidPropertyRequest, `got ${describe(error)}`);
    });

    await check(`${phase.name}: CreateItem with MimeContent stores the MIME, then GetItem of several ids reports the deleted one`, async () => {
        const mime = "From: Import <import@example.org>\r\nTo: " + options.mailbox + "\r\nSubject: Imported " + phase.name +
            "\r\nMessage-ID: <import-" + phase.name + "@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nImported body.\r\n";
        const imported = new ews.EmailMessage(service);
        imported.MimeContent = new ews.MimeContent("UTF-8", Buffer.from(mime, "utf8").toString("base64"));
        await imported.Save(ews.WellKnownFolderName.SentItems);
        const properties = new ews.PropertySet(ews.BasePropertySet.FirstClassProperties, [ews.ItemSchema.MimeContent]);
        const stored = await ews.EmailMessage.Bind(service, imported.Id, properties);
        assert(stored.Subject === `Imported ${phase.name}`, `Subject ${stored.Subject}`);
        assert(stored.InternetMessageId === `<import-${phase.name}@example.org>`, `InternetMessageId ${stored.InternetMessageId}`);
        assert(Buffer.from(stored.MimeContent.Content, "base64").toString("utf8") === mime, "MimeContent differs from what was created");
        const deletedId = imported.Id.UniqueId;
        await imported.Delete(ews.DeleteMode.HardDelete);

        const responses = await service.BindToItems([budget.Id, new ews.ItemId(deletedId)], ews.PropertySet.IdOnly);
        assert(responses.Responses[0].Result === ews.ServiceResult.Success, "first id");
        assert(responses.Responses[1].ErrorCode === ews.ServiceError.ErrorItemNotFound, `second id ${ews.ServiceError[responses.Responses[1].ErrorCode]}`);
    });

    await check(`${phase.name}: ConvertId round-trips EwsId, EntryId and HexEntryId`, async () => {
        const entryId = await service.ConvertId(new ews.AlternateId(ews.IdFormat.EwsId, budget.Id.UniqueId, options.mailbox), ews.IdFormat.EntryId);
        const hex = await service.ConvertId(entryId, ews.IdFormat.HexEntryId);
        const back = await service.ConvertId(hex, ews.IdFormat.EwsId);
        assert(/^[0-9A-F]+$/.test(hex.UniqueId), `HexEntryId ${hex.UniqueId}`);
        assert(back.UniqueId === budget.Id.UniqueId, `round trip gave ${back.UniqueId}`);
    });

    await check(`${phase.name}: SOAP autodiscover GetUserSettings answers MailboxDN and the common settings`, async () => {
        ews.ConfigurationApi.ConfigureXHR(xhr);
        const autodiscover = new ews.AutodiscoverService(new ews.Uri(new URL("/autodiscover/autodiscover.svc", phase.base).toString()), ews.ExchangeVersion.Exchange2013_SP1);
        autodiscover.Credentials = new ews.WebCredentials(options.user, options.password);
        const names = [ews.UserSettingName.MailboxDN, ews.UserSettingName.UserDN, ews.UserSettingName.UserDisplayName, ews.UserSettingName.CasVersion,
            ews.UserSettingName.EwsSupportedSchemas, ews.UserSettingName.ExternalEwsUrl, ews.UserSettingName.ActiveDirectoryServer, ews.UserSettingName.InternalOABUrl];
        const response = await autodiscover.GetUserSettings(options.mailbox, names);
        const setting = (name) => response.Settings.get(name);
        assert(/\/cn=Microsoft Private MDB$/.test(setting(ews.UserSettingName.MailboxDN)), `MailboxDN ${setting(ews.UserSettingName.MailboxDN)}`);
        assert(/^15\.\d\d\.\d{4}\.\d{3}$/.test(setting(ews.UserSettingName.CasVersion)), `CasVersion ${setting(ews.UserSettingName.CasVersion)}`);
        assert(String(setting(ews.UserSettingName.EwsSupportedSchemas)).includes("Exchange2013_SP1"), "EwsSupportedSchemas");
        assert(response.UserSettingErrors.length === 1 && response.UserSettingErrors[0].SettingName === "InternalOABUrl", `errors ${JSON.stringify(response.UserSettingErrors.map((error) => error.SettingName))}`);
        return setting(ews.UserSettingName.MailboxDN);
    });
}

module.exports = { run };
