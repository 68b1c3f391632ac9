namespace ExSync.Persistence;

/// <summary>
/// Version 7 GUIDs that increase strictly within this process. Lists page in id order, which is meant to be creation order;
/// <see cref="Guid.CreateVersion7(DateTimeOffset)"/> randomizes ids created in the same millisecond, so a bulk create would list
/// out of order. This keeps a counter in the 12 <c>rand_a</c> bits (RFC 9562 §6.2, method 1) and never goes backwards,
/// even when the clock does.
/// </summary>
public sealed class SequentialIds(TimeProvider time)
{
    private readonly Lock gate = new();
    private long lastMilliseconds;
    private int counter;

    /// <summary>The next id.</summary>
    public Guid Next()
    {
        long milliseconds;
        int sequence;
        lock (gate)
        {
            milliseconds = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), lastMilliseconds);
            if (milliseconds == lastMilliseconds)
            {
                counter++;
                if (counter > 0xFFF)
                {
                    // 4096 ids in one millisecond: borrow the next millisecond rather than repeat an id.
                    milliseconds++;
                    counter = 0;
                }
            }
            else
            {
                counter = 0;
            }

            lastMilliseconds = milliseconds;
            sequence = counter;
        }

        // Start from a random version 7 GUID for the random tail, then write the timestamp and counter in big-endian order.
        Span<byte> bytes = stackalloc byte[16];
        Guid.CreateVersion7().TryWriteBytes(bytes, bigEndian: true, out _);
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(milliseconds >> (8 * (5 - i)));
        }

        bytes[6] = (byte)(0x70 | ((sequence >> 8) & 0x0F));
        bytes[7] = (byte)sequence;
        return new Guid(bytes, bigEndian: true);
    }
}
