using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ExSync.Domain.Webhooks;

namespace ExSync.Persistence;

/// <summary>
/// The webhook outbox: events are added to the caller's unit of work, so they commit with the change they tell about or not at all
/// (like <see cref="ChangeFeed.RecordChange"/>). The webhook dispatcher fans them out to the subscriptions after they commit; this
/// process's dispatcher is woken as soon as they do (<see cref="IWebhookOutboxObserver"/>).
/// </summary>
public static class WebhookOutbox
{
    // The body's own JSON conventions: camelCase names, enums by name, timestamps in RFC 3339. Independent of the API's settings: the body is
    // written once and sent as is, possibly years later.
    private static readonly JsonSerializerOptions DataJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>
    /// Adds an event to the context's unit of work: the next <c>SaveChangesAsync</c> writes it with the caller's data, in the same
    /// transaction. The body is <c>{ "type", "timestamp", "data": { "id": objectId, …data } }</c>; keep <paramref name="data"/> thin
    /// (ids, codes, states), since receivers read the rest through the API.
    /// </summary>
    public static WebhookEvent RecordWebhookEvent(this ExSyncDbContext db, string type, Guid objectId, IReadOnlyDictionary<string, object?>? data, DateTimeOffset occurredAt)
    {
        var webhookEvent = CreateEvent(type, objectId, data, occurredAt, subscriptionId: null);
        db.WebhookEvents.Add(webhookEvent);
        return webhookEvent;
    }

    /// <summary>Builds an event and its body; <paramref name="subscriptionId"/> limits it to one subscription (a ping).</summary>
    public static WebhookEvent CreateEvent(string type, Guid objectId, IReadOnlyDictionary<string, object?>? data, DateTimeOffset occurredAt, Guid? subscriptionId)
    {
        var timestamp = occurredAt.ToUniversalTime();
        return WebhookEvent.Create(Guid.CreateVersion7(timestamp), type, objectId, Payload(type, objectId, data, timestamp), timestamp, subscriptionId);
    }

    private static string Payload(string type, Guid objectId, IReadOnlyDictionary<string, object?>? data, DateTimeOffset timestamp)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", type);
            json.WriteString("timestamp", timestamp);
            json.WriteStartObject("data");
            json.WriteString("id", objectId);
            foreach (var (name, value) in data ?? new Dictionary<string, object?>())
            {
                json.WritePropertyName(JsonNamingPolicy.CamelCase.ConvertName(name));
                JsonSerializer.Serialize(json, value, DataJson);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

/// <summary>Told when a transaction that wrote webhook events has committed, so the dispatcher of this process can start at once.</summary>
public interface IWebhookOutboxObserver
{
    /// <summary>Webhook events were committed.</summary>
    void EventsCommitted();
}
