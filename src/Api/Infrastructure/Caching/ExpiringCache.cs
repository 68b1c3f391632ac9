using System.Collections.Concurrent;

namespace ExSync.Api.Infrastructure.Caching;

/// <summary>
/// A bounded map whose entries expire, for caches read on every request. Unlike MemoryCache it reads no wall clock on a lookup (on this
/// platform every DateTime.UtcNow read cost about a microsecond, several per request): expiry is checked against the monotonic tick
/// count, and the bound is kept by dropping expired entries, then everything, when a new entry would exceed it.
/// </summary>
public sealed class ExpiringCache<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> entries = new();

    /// <summary>The entry's value, unless it is missing or expired.</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        if (entries.TryGetValue(key, out var entry) && entry.ExpiresAt > Environment.TickCount64)
        {
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>Adds or replaces an entry for <paramref name="lifetime"/>.</summary>
    public void Set(TKey key, TValue value, TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        if (entries.Count >= capacity && !entries.ContainsKey(key))
        {
            MakeRoom();
        }

        entries[key] = new Entry(value, Environment.TickCount64 + (long)lifetime.TotalMilliseconds);
    }

    private void MakeRoom()
    {
        var now = Environment.TickCount64;
        foreach (var (key, entry) in entries)
        {
            if (entry.ExpiresAt <= now)
            {
                entries.TryRemove(key, out _);
            }
        }

        if (entries.Count >= capacity)
        {
            // Full of live entries: start over rather than track recency on every read; they come back at their next use.
            entries.Clear();
        }
    }

    private readonly record struct Entry(TValue Value, long ExpiresAt);
}
