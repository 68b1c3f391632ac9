using System.Text.Json;
using System.Text.Json.Nodes;
using ExSync.Persistence;
using ExSync.Api.Infrastructure.Security;
using ExSync.Domain.Audit;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ExSync.Api.Audit;

/// <summary>
/// Records successful changes in the audit trail. Events are added to the request's DbContext, so they are saved in the same
/// transaction as the change itself: a change is never saved without its audit event, nor the reverse.
/// </summary>
public sealed class AuditTrail(ExSyncDbContext db, IDatabaseDialect dialect, SequentialIds ids, TimeProvider time, IHttpContextAccessor http, IOptions<JsonOptions> json)
{
    /// <summary>The caller, as recorded in the trail.</summary>
    public string Actor => http.HttpContext?.User.Id() ?? CurrentUser.System;

    /// <summary>
    /// Records a change between two representations (the writable form of a resource), field by field, plus
    /// <paramref name="extra"/> changes the representations do not show (read-only fields; secrets, via <see cref="Secret"/>).
    /// </summary>
    /// <returns>
    /// Whether anything changed. An update that changes no field is no event: nothing is recorded, and the caller leaves the resource
    /// as it was, with its ETag and modification time.
    /// </returns>
    public bool Record(string operation, string targetType, object targetId, object? before, object? after, IEnumerable<AuditChange>? extra = null)
    {
        var changes = Diff(before, after);
        changes.AddRange(extra ?? []);
        if (changes.Count == 0)
        {
            return false;
        }

        Record(operation, targetType, targetId, changes);
        return true;
    }

    /// <summary>A secret that changed; its value is never recorded.</summary>
    public static AuditChange Secret(string field) => new(field, null, AuditChange.SecretChanged);

    /// <summary>
    /// Saves the request's changes with their audit events, in one transaction. Many events (a bulk action records one per mailbox)
    /// are inserted with a single set-based statement, several times faster than one INSERT each; a few go through EF as usual.
    /// </summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        var pending = db.ChangeTracker.Entries<AuditEvent>().Where(e => e.State == Microsoft.EntityFrameworkCore.EntityState.Added).ToList();
        if (pending.Count < SetBasedThreshold)
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        foreach (var entry in pending)
        {
            entry.State = Microsoft.EntityFrameworkCore.EntityState.Detached;
        }

        var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await dialect.InsertAuditEventsAsync(db, pending.Select(e => e.Entity).ToList(), cancellationToken);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }
        }
    }

    // Below this many events EF's own inserts are as fast as preparing the JSON.
    private const int SetBasedThreshold = 100;

    /// <summary>Records a change with its changed fields.</summary>
    public void Record(string operation, string targetType, object targetId, IReadOnlyList<AuditChange> changes) =>
        db.AuditEvents.Add(AuditEvent.Create(ids.Next(), time.GetUtcNow(), Actor, operation, targetType, Convert.ToString(targetId, System.Globalization.CultureInfo.InvariantCulture)!, changes));

    private List<AuditChange> Diff(object? before, object? after)
    {
        var from = Flatten(before);
        var to = Flatten(after);
        return from.Keys.Union(to.Keys, StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Where(field => from.GetValueOrDefault(field) != to.GetValueOrDefault(field))
            .Select(field => new AuditChange(field, from.GetValueOrDefault(field), to.GetValueOrDefault(field)))
            .ToList();
    }

    private Dictionary<string, string?> Flatten(object? value)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (value is not null)
        {
            Flatten(JsonSerializer.SerializeToNode(value, json.Value.SerializerOptions), string.Empty, fields);
        }

        return fields;
    }

    private static void Flatten(JsonNode? node, string path, Dictionary<string, string?> fields)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    Flatten(child, path.Length == 0 ? name : $"{path}.{name}", fields);
                }

                break;
            case JsonValue scalar when scalar.GetValueKind() == JsonValueKind.String:
                fields[path] = scalar.GetValue<string>();
                break;
            case null:
                break;
            default:
                fields[path] = node.ToJsonString();
                break;
        }
    }
}
