using System.Globalization;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ExSync.Persistence.Sqlite;

/// <summary>Stores instants as fixed-width ISO 8601 UTC text (<c>2025-01-31T09:30:00.0000000Z</c>), which sorts chronologically.</summary>
public sealed class UtcTimestampConverter() : ValueConverter<DateTimeOffset, string>(
    value => ToText(value),
    text => DateTimeOffset.ParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal))
{
    /// <summary>Length of every stored value.</summary>
    public const int Length = 28;

    private const string Format = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'";

    /// <summary>The stored form of an instant, for raw SQL that compares with stored values.</summary>
    public static string ToText(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
}
