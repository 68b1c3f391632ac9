using ExSync.Persistence;
using Microsoft.Extensions.Time.Testing;

namespace ExSync.Api.Tests;

/// <summary>Lists page in id order, so ids must increase strictly in creation order whatever the clock does.</summary>
public sealed class SequentialIdsTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void IdsIncreaseStrictlyWhileTheClockStandsStill()
    {
        var ids = new SequentialIds(new FakeTimeProvider(Start));

        var generated = Enumerable.Range(0, 100).Select(_ => ids.Next()).ToList();

        AssertStrictlyIncreasing(generated);
        Assert.All(generated, id => Assert.Equal(Start.ToUnixTimeMilliseconds(), TimestampOf(id)));
    }

    [Fact]
    public void MoreThan4096IdsInOneMillisecondBorrowTheNextMillisecondAndStillIncrease()
    {
        var ids = new SequentialIds(new FakeTimeProvider(Start));

        var generated = Enumerable.Range(0, 10_000).Select(_ => ids.Next()).ToList();

        AssertStrictlyIncreasing(generated);
        var milliseconds = generated.Select(TimestampOf).ToList();
        Assert.Equal(Start.ToUnixTimeMilliseconds(), milliseconds[0]);
        Assert.Equal(Start.ToUnixTimeMilliseconds(), milliseconds[4095]);
        Assert.Equal(Start.ToUnixTimeMilliseconds() + 1, milliseconds[4096]);
        Assert.Equal(Start.ToUnixTimeMilliseconds() + 2, milliseconds[^1]);
    }

    [Fact]
    public void IdsKeepIncreasingWhenTheClockGoesBackwards()
    {
        var clock = new SettableClock { Now = Start };
        var ids = new SequentialIds(clock);
        var generated = new List<Guid> { ids.Next(), ids.Next() };

        clock.Now = Start.AddMinutes(-5);
        generated.Add(ids.Next());
        generated.Add(ids.Next());
        clock.Now = Start.AddMilliseconds(1);
        generated.Add(ids.Next());
        clock.Now = Start.AddHours(-1);
        generated.Add(ids.Next());

        AssertStrictlyIncreasing(generated);
        Assert.All(generated.Skip(2).Take(2), id => Assert.Equal(Start.ToUnixTimeMilliseconds(), TimestampOf(id)));
    }

    [Fact]
    public void IdsFollowTheClockWhenItMovesForward()
    {
        var clock = new FakeTimeProvider(Start);
        var ids = new SequentialIds(clock);

        var first = ids.Next();
        clock.Advance(TimeSpan.FromSeconds(3));
        var second = ids.Next();

        Assert.Equal(Start.ToUnixTimeMilliseconds(), TimestampOf(first));
        Assert.Equal(Start.AddSeconds(3).ToUnixTimeMilliseconds(), TimestampOf(second));
        AssertStrictlyIncreasing([first, second]);
    }

    [Fact]
    public void IdsAreValidVersion7GuidsWithRandomTails()
    {
        var ids = new SequentialIds(new FakeTimeProvider(Start));

        var generated = Enumerable.Range(0, 200).Select(_ => ids.Next()).ToList();

        Assert.All(generated, id =>
        {
            Assert.Equal(7, id.Version);
            var bytes = id.ToByteArray(bigEndian: true);
            Assert.Equal(0x80, bytes[8] & 0xC0); // RFC 9562 variant 10xx
        });

        // The 62 random bits after the variant keep ids unguessable; with the counter alone they would repeat across instances.
        Assert.Equal(generated.Count, generated.Select(id => Convert.ToHexString(id.ToByteArray(bigEndian: true), 8, 8)).Distinct().Count());
    }

    [Fact]
    public async Task IdsFromConcurrentCallersAreUnique()
    {
        var ids = new SequentialIds(new FakeTimeProvider(Start));

        var batches = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Enumerable.Range(0, 3000).Select(_ => ids.Next()).ToList(), TestContext.Current.CancellationToken)));

        var all = batches.SelectMany(b => b).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.All(batches, AssertStrictlyIncreasing);
    }

    /// <summary>
    /// Ids are compared in their big-endian byte order (RFC 9562), which is also the order of their text form, and SQLite
    /// stores and compares them as text; both orders must agree.
    /// </summary>
    private static void AssertStrictlyIncreasing(IReadOnlyList<Guid> ids)
    {
        for (var i = 1; i < ids.Count; i++)
        {
            var previous = ids[i - 1].ToByteArray(bigEndian: true);
            var current = ids[i].ToByteArray(bigEndian: true);
            Assert.True(previous.AsSpan().SequenceCompareTo(current) < 0, $"id {i} ({ids[i]}) does not follow id {i - 1} ({ids[i - 1]})");
            Assert.True(string.CompareOrdinal(ids[i - 1].ToString().ToUpperInvariant(), ids[i].ToString().ToUpperInvariant()) < 0, $"text of id {i} does not sort after id {i - 1}");
        }
    }

    private static long TimestampOf(Guid id)
    {
        var bytes = id.ToByteArray(bigEndian: true);
        long milliseconds = 0;
        for (var i = 0; i < 6; i++)
        {
            milliseconds = (milliseconds << 8) | bytes[i];
        }

        return milliseconds;
    }

    /// <summary>A clock that can be set backwards, which <see cref="FakeTimeProvider"/> refuses.</summary>
    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
