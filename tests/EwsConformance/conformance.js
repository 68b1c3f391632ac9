#!/usr/bin/env node
// Conformance check of the ExSync Exchange simulator with ews-javascript-api, an EWS client nobody on the
// project wrote (a port of Microsoft's EWS Managed API). If this library rejects something the simulator sends,
// the simulator is wrong unless ews-protocol.md proves the library wrong.
//
// Usage (every option can also come from the environment as EWS_CONFORMANCE_<NAME>, e.g. EWS_CONFORMANCE_MAILBOX):
//   node conformance.js --basic-base=https://127.0.0.1:5443 [--ntlm-base=https://127.0.0.1:6443]
//        --user=svc-exsync@contoso.local --password='Passw0rd!' --ntlm-user='CONTOSO\svc-exsync'
//        --mailbox=alice@contoso.local --missing-mailbox=nobody@contoso.local
//        [--autodiscover-hosts=contoso.local,autodiscover.contoso.local,mail.contoso.local]
//        [--expected-ews-url=https://mail.contoso.local/EWS/Exchange.asmx] [--insecure]
//        [--basic-http-base=http://127.0.0.1:5080 --ntlm-http-base=… --legacy-email=alice@legacy.example]
//
// With --<phase>-http-base and --legacy-email, autodiscover is also run for an address whose domain has no HTTPS
// autodiscover host: the library falls back to the plain-HTTP GET (phase 3a), follows the simulator's 302 only after
// the redirection callback accepts it, and then follows the simulator's RedirectAddress to the real mailbox. The
// simulator serving that phase must redirect HTTP autodiscover to a host in --autodiscover-hosts and map the legacy
// address to --mailbox (server.autodiscover.httpRedirectLocation and redirectAddresses).
//
// TLS: by default certificates are validated; start node with NODE_EXTRA_CA_CERTS=<simulator CA PEM> so the
// simulator's private CA is trusted. --insecure switches to rejectUnauthorized:false for quick manual runs.
//
// Exit code 0 when every check passed, 1 when any failed (each failure is printed), 2 on bad arguments.
"use strict";

const ews = require("ews-javascript-api");
const { XhrApi } = require("@ewsjs/xhr");

const options = readOptions(process.argv.slice(2));
const failures = [];
let passed = 0;

main().then(
    () => {
        console.log(`\n${passed} checks passed, ${failures.length} failed.`);
        for (const failure of failures) {
            console.log(`  FAILED ${failure}`);
        }
        process.exit(failures.length === 0 ? 0 : 1);
    },
    (error) => {
        console.error("Conformance run aborted:", describe(error));
        process.exit(1);
    });

async function main() {
    const phases = [{ name: "Basic", base: options["basic-base"], httpBase: options["basic-http-base"], ntlm: false }];
    if (options["ntlm-base"]) {
        phases.push({ name: "NTLM", base: options["ntlm-base"], httpBase: options["ntlm-http-base"], ntlm: true });
    }

    for (const phase of phases) {
        console.log(`\n== ${phase.name} against ${phase.base}`);
        const xhr = createXhr(phase, options.password);
        await folderBinds(phase, xhr);
        await draftRoundTrip(phase, xhr);
        await findItems(phase, xhr);
        await syncFolderItems(phase, xhr);
        await require("./sync").run({ phase, xhr, options, createService, ewsUrl, check, expectFailure, describe });
        await missingMailbox(phase, xhr);
        await wrongPassword(phase);
        await autodiscover(phase, xhr);
        if (phase.httpBase && options["legacy-email"]) {
            await autodiscoverThroughHttpRedirect(phase, xhr);
        }
        await require("./content").run(phase, xhr, { check, assert, createService, ewsUrl, options, expectFailure, describe });
    }
}

// --- checks -------------------------------------------------------------------------------------------------------

async function folderBinds(phase, xhr) {
    const service = createService(phase, xhr, ewsUrl(phase), options.mailbox);
    const expectations = [
        [ews.WellKnownFolderName.Inbox, ews.Folder],
        [ews.WellKnownFolderName.SentItems, ews.Folder],
        [ews.WellKnownFolderName.Drafts, ews.Folder],
        [ews.WellKnownFolderName.Calendar, ews.CalendarFolder],
        [ews.WellKnownFolderName.Contacts, ews.ContactsFolder],
        [ews.WellKnownFolderName.Tasks, ews.TasksFolder],
    ];
    for (const [wellKnownFolder, expectedClass] of expectations) {
        const name = ews.WellKnownFolderName[wellKnownFolder];
        await check(`${phase.name}: Folder.Bind ${name}`, async () => {
            const folder = await ews.Folder.Bind(service, wellKnownFolder);
            assert(folder instanceof expectedClass, `bound a ${folder.constructor.name}, expected ${expectedClass.name}`);
            assert(typeof folder.DisplayName === "string" && folder.DisplayName.length > 0, "DisplayName is empty");
            assert(Number.isInteger(folder.TotalCount), `TotalCount is ${folder.TotalCount}`);
            assert(folder.Id && folder.Id.UniqueId, "FolderId is missing");
            return `${folder.DisplayName}, ${folder.TotalCount} items`;
        });
    }
}

async function draftRoundTrip(phase, xhr) {
    const service = createService(phase, xhr, ewsUrl(phase), options.mailbox);
    let message;
    await check(`${phase.name}: CreateItem (EmailMessage.Save to Drafts)`, async () => {
        message = new ews.EmailMessage(service);
        message.Subject = `ExSync conformance probe ${Date.now()}`;
        message.Body = new ews.MessageBody(ews.BodyType.Text, "Created by the ews-javascript-api conformance script.");
        message.ToRecipients.Add("bob@contoso.local");
        await message.Save(ews.WellKnownFolderName.Drafts);
        assert(message.Id && message.Id.UniqueId, "no ItemId after Save");
        return message.Id.UniqueId;
    });
    if (!message || !message.Id) {
        return;
    }

    const itemId = message.Id.UniqueId;
    await check(`${phase.name}: DeleteItem (HardDelete)`, async () => {
        await message.Delete(ews.DeleteMode.HardDelete);
    });
    await check(`${phase.name}: DeleteItem again answers ErrorItemNotFound`, async () => {
        const responses = await service.DeleteItems([new ews.ItemId(itemId)], ews.DeleteMode.HardDelete, null, null);
        const response = responses.Responses[0];
        assert(response.Result === ews.ServiceResult.Error, `result ${ews.ServiceResult[response.Result]}`);
        assert(response.ErrorCode === ews.ServiceError.ErrorItemNotFound, `error ${ews.ServiceError[response.ErrorCode]}`);
    });
}

async function findItems(phase, xhr) {
    const service = createService(phase, xhr, ewsUrl(phase), options.mailbox);
    await check(`${phase.name}: FindItems (paged)`, async () => {
        const inbox = await ews.Folder.Bind(service, ews.WellKnownFolderName.Inbox);
        const firstPage = await service.FindItems(ews.WellKnownFolderName.Inbox, new ews.ItemView(5));
        assert(firstPage.TotalCount === inbox.TotalCount, `TotalCount ${firstPage.TotalCount}, folder says ${inbox.TotalCount}`);
        assert(firstPage.Items.length === Math.min(5, inbox.TotalCount), `${firstPage.Items.length} items on the first page`);
        assert(firstPage.MoreAvailable === inbox.TotalCount > 5, `MoreAvailable ${firstPage.MoreAvailable}`);
        for (const item of firstPage.Items) {
            assert(item instanceof ews.EmailMessage, `item is a ${item.constructor.name}`);
            assert(item.Id && item.Id.UniqueId, "item without ItemId");
        }

        let seen = firstPage.Items.length;
        let page = firstPage;
        while (page.MoreAvailable) {
            page = await service.FindItems(ews.WellKnownFolderName.Inbox, new ews.ItemView(5, page.NextPageOffset));
            seen += page.Items.length;
        }

        assert(seen === inbox.TotalCount, `paged through ${seen} items, folder has ${inbox.TotalCount}`);
        return `${seen} items in ${Math.ceil(seen / 5)} pages`;
    });
}

async function syncFolderItems(phase, xhr) {
    const service = createService(phase, xhr, ewsUrl(phase), options.mailbox);
    await check(`${phase.name}: SyncFolderItems (full, then incremental)`, async () => {
        const inbox = await ews.Folder.Bind(service, ews.WellKnownFolderName.Inbox);
        let syncState = null;
        let creates = 0;
        let calls = 0;
        let changes;
        do {
            changes = await service.SyncFolderItems(new ews.FolderId(ews.WellKnownFolderName.Inbox), ews.PropertySet.IdOnly, null, 10,
                ews.SyncFolderItemsScope.NormalItems, syncState);
            calls++;
            for (const change of changes.GetEnumerator()) {
                assert(change.ChangeType === ews.ChangeType.Create, `unexpected ${ews.ChangeType[change.ChangeType]}`);
                creates++;
            }

            assert(changes.SyncState, "no SyncState returned");
            syncState = changes.SyncState;
        } while (changes.MoreChangesAvailable && calls < 100);

        assert(creates === inbox.TotalCount, `${creates} creates, inbox has ${inbox.TotalCount}`);
        const again = await service.SyncFolderItems(new ews.FolderId(ews.WellKnownFolderName.Inbox), ews.PropertySet.IdOnly, null, 10,
            ews.SyncFolderItemsScope.NormalItems, syncState);
        assert(again.Count === 0 && !again.MoreChangesAvailable, `${again.Count} changes after a complete sync`);
        return `${creates} creates in ${calls} calls`;
    });
}

async function missingMailbox(phase, xhr) {
    const service = createService(phase, xhr, ewsUrl(phase), options["missing-mailbox"]);
    await check(`${phase.name}: impersonating a missing mailbox raises ErrorNonExistentMailbox`, async () => {
        const error = await expectFailure(() => ews.Folder.Bind(service, ews.WellKnownFolderName.Inbox));
        // The Managed API turns an HTTP 500 SOAP fault into a ServiceResponseException. ews-javascript-api 0.15.3
        // has that mapping commented out (ServiceRequestBase.ProcessWebException) and rejects with the parsed
        // SoapFaultDetails instead; both carry the fault's e:ResponseCode, which is what is checked here.
        if (error instanceof ews.ServiceResponseException) {
            assert(error.ErrorCode === ews.ServiceError.ErrorNonExistentMailbox, `ErrorCode ${ews.ServiceError[error.ErrorCode]}`);
            return "ServiceResponseException";
        }

        assert(error instanceof ews.SoapFaultDetails, `got ${describe(error)}`);
        assert(error.HttpStatusCode === 500, `HTTP ${error.HttpStatusCode}`);
        assert(error.ResponseCode === ews.ServiceError.ErrorNonExistentMailbox, `ResponseCode ${ews.ServiceError[error.ResponseCode]}`);
        const smtpAddress = error.ErrorDetails.containsKey("SmtpAddress") ? error.ErrorDetails.get("SmtpAddress") : undefined;
        assert(smtpAddress === options["missing-mailbox"], `MessageXml SmtpAddress ${smtpAddress}`);
        return "SoapFaultDetails from an HTTP 500 fault, with MessageXml SmtpAddress";
    });
}

async function wrongPassword(phase) {
    const xhr = createXhr(phase, options.password + "-wrong");
    const service = createService(phase, xhr, ewsUrl(phase), options.mailbox, options.password + "-wrong");
    await check(`${phase.name}: a wrong password is a 401`, async () => {
        const error = await expectFailure(() => ews.Folder.Bind(service, ews.WellKnownFolderName.Inbox));
        // Like faults, HTTP errors reach the caller as SoapFaultDetails carrying the HTTP status (0.15.3 builds a
        // ServiceRequestUnauthorizedException internally but rejects with the details object).
        const text = describe(error);
        const status = error && (error.HttpStatusCode || error.status);
        assert(status === 401 || (error && error.constructor && error.constructor.name === "ServiceRequestUnauthorizedException"), `got ${text}`);
        return text;
    });
}

async function autodiscover(phase, xhr) {
    // ews-javascript-api derives the autodiscover candidates from the address's domain on port 443:
    // https://autodiscover.<domain>/autodiscover/autodiscover.xml (the unauthenticated GET that looks for
    // X-SOAP-Enabled), then https://<domain>/… . A test cannot bind port 443 or edit DNS, so the XHR layer the
    // library exposes for exactly this purpose (ConfigurationApi.ConfigureXHR) is wrapped with a host map that
    // plays the role of DNS: the autodiscover host names (and the EWS host name autodiscover hands out) resolve to
    // the simulator. Everything else - candidate order, the GET probe, the SOAP request, redirect validation and the
    // choice of InternalEwsUrl/ExternalEwsUrl - is the library's own code.
    const base = new URL(phase.base);
    const mapped = mapHosts(xhr, options["autodiscover-hosts"].split(","), base.host);
    const service = createService(phase, mapped, null, null);
    const email = options["autodiscover-email"] || options.mailbox;
    const redirections = [];
    await check(`${phase.name}: Autodiscover (SOAP GetUserSettings) finds the EWS URL`, async () => {
        await service.AutodiscoverUrl(email, (url) => {
            redirections.push(url);
            return url.toLowerCase().startsWith("https://");
        });
        const url = service.Url.ToString();
        const expected = options["expected-ews-url"] || new URL("/EWS/Exchange.asmx", phase.base).toString();
        assert(url.toLowerCase() === expected.toLowerCase(), `discovered ${url}, expected ${expected}`);
        return url;
    });
    await check(`${phase.name}: the discovered EWS URL works`, async () => {
        service.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, options.mailbox);
        service.HttpHeaders.Add("X-AnchorMailbox", options.mailbox);
        const inbox = await ews.Folder.Bind(service, ews.WellKnownFolderName.Inbox);
        return `${inbox.DisplayName} via ${service.Url.ToString()}`;
    });
}

async function autodiscoverThroughHttpRedirect(phase, xhr) {
    const email = options["legacy-email"];
    const legacyDomain = email.split("@")[1].toLowerCase();
    const mapped = mapHosts(xhr, options["autodiscover-hosts"].split(","), new URL(phase.base).host, {
        // The HTTP candidate reaches the simulator's plain-HTTP port; the HTTPS candidates of the legacy domain go to
        // a port where nothing listens, so they fail the way an unreachable host does.
        http: { [`autodiscover.${legacyDomain}`]: new URL(phase.httpBase).host },
        refused: [legacyDomain, `autodiscover.${legacyDomain}`],
    });
    const service = createService(phase, mapped, null, null);
    const offered = [];
    await check(`${phase.name}: Autodiscover via the plain-HTTP redirect and an address redirect`, async () => {
        await service.AutodiscoverUrl(email, (url) => {
            offered.push(url);
            return url.toLowerCase().startsWith("https://");
        });
        assert(offered.length === 1 && offered[0].toLowerCase().startsWith("https://"), `redirection callback saw ${JSON.stringify(offered)}`);
        const url = service.Url.ToString();
        const expected = options["expected-ews-url"] || new URL("/EWS/Exchange.asmx", phase.base).toString();
        assert(url.toLowerCase() === expected.toLowerCase(), `discovered ${url}, expected ${expected}`);
        return `callback accepted ${offered[0]}; ${url}`;
    });
}

// --- plumbing -----------------------------------------------------------------------------------------------------

function createXhr(phase, password) {
    const xhr = new XhrApi({ rejectUnauthorized: !options.insecure });
    return phase.ntlm ? xhr.useNtlmAuthentication(options["ntlm-user"], password) : xhr;
}

function createService(phase, xhr, url, mailbox, password = options.password) {
    // The XHR implementation is process-wide in ews-javascript-api; every check sets the one it needs.
    ews.ConfigurationApi.ConfigureXHR(xhr);
    const service = new ews.ExchangeService(ews.ExchangeVersion.Exchange2013_SP1);
    // ews-javascript-api insists on credentials. WebCredentials send Basic pre-emptively; in the NTLM phase the
    // XHR layer replaces that Authorization header with its NTLM messages, and the simulator serving that phase
    // does not even offer Basic, so only a working NTLM handshake gets through.
    service.Credentials = new ews.WebCredentials(options.user, password);

    if (url) {
        service.Url = new ews.Uri(url);
    }

    if (mailbox) {
        service.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, mailbox);
        service.HttpHeaders.Add("X-AnchorMailbox", mailbox);
    }

    return service;
}

/**
 * An IXHRApi that plays DNS: requests for the given host names on the default HTTPS port go to the simulator
 * (target), extra.http maps plain-HTTP host names, and extra.refused names go to a port where nothing listens.
 */
function mapHosts(inner, hostNames, target, extra = { http: {}, refused: [] }) {
    const names = new Set(hostNames.map((name) => name.trim().toLowerCase()).filter(Boolean));
    const refused = new Set(extra.refused.map((name) => name.toLowerCase()));
    const map = (url) => {
        const parsed = new URL(url);
        const host = parsed.hostname.toLowerCase();
        if (parsed.port !== "") {
            return url;
        }

        if (parsed.protocol === "https:" && names.has(host)) {
            parsed.host = target;
        } else if (parsed.protocol === "http:" && extra.http[host]) {
            parsed.host = extra.http[host];
        } else if (refused.has(host)) {
            parsed.host = "127.0.0.1:1";
        }

        return parsed.toString();
    };
    return {
        get apiName() {
            return `host-map;${inner.apiName}`;
        },
        xhr: (xhrOptions, progress) => inner.xhr({ ...xhrOptions, url: map(xhrOptions.url) }, progress),
        xhrStream: (xhrOptions, progress) => inner.xhrStream({ ...xhrOptions, url: map(xhrOptions.url) }, progress),
        disconnect: () => inner.disconnect(),
    };
}

function ewsUrl(phase) {
    return new URL("/EWS/Exchange.asmx", phase.base).toString();
}

async function check(name, body) {
    try {
        const detail = await body();
        passed++;
        console.log(`PASS ${name}${detail ? ` (${detail})` : ""}`);
    } catch (error) {
        failures.push(`${name}: ${describe(error)}`);
        console.log(`FAIL ${name}: ${describe(error)}`);
    }
}

async function expectFailure(action) {
    try {
        await action();
    } catch (error) {
        return error;
    }

    throw new Error("the call succeeded but should have failed");
}

function assert(condition, message) {
    if (!condition) {
        throw new Error(message);
    }
}

function describe(error) {
    if (!error) {
        return String(error);
    }

    const parts = [error.constructor && error.constructor.name, error.message || error.Message || error.statusText || error.status];
    if (error.ErrorCode !== undefined && ews.ServiceError[error.ErrorCode]) {
        parts.push(ews.ServiceError[error.ErrorCode]);
    }

    if (error.InnerException) {
        parts.push(`inner: ${describe(error.InnerException)}`);
    }

    return parts.filter((part) => part !== undefined && part !== "").join(" | ");
}

function readOptions(args) {
    const result = {};
    const names = ["basic-base", "ntlm-base", "basic-http-base", "ntlm-http-base", "user", "password", "ntlm-user", "mailbox",
        "missing-mailbox", "autodiscover-email", "autodiscover-hosts", "expected-ews-url", "legacy-email", "insecure"];
    for (const name of names) {
        const fromEnvironment = process.env[`EWS_CONFORMANCE_${name.toUpperCase().replace(/-/g, "_")}`];
        if (fromEnvironment !== undefined) {
            result[name] = fromEnvironment;
        }
    }

    for (const arg of args) {
        const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
        if (!match || !names.includes(match[1])) {
            usage(`unknown argument ${arg}`);
        }

        result[match[1]] = match[2] === undefined ? "true" : match[2];
    }

    result.insecure = result.insecure === "true" || result.insecure === "1";
    result["autodiscover-hosts"] = result["autodiscover-hosts"] || "";
    for (const required of ["basic-base", "user", "password", "mailbox", "missing-mailbox"]) {
        if (!result[required]) {
            usage(`--${required} is required`);
        }
    }

    if (result["ntlm-base"] && !result["ntlm-user"]) {
        usage("--ntlm-user (DOMAIN\\user) is required with --ntlm-base");
    }

    return result;
}

function usage(problem) {
    console.error(`${problem}\nSee the header of conformance.js for usage.`);
    process.exit(2);
}
