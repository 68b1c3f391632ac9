using System.Globalization;
using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>A compiled FindItem Restriction: whether an item of a mailbox matches.</summary>
internal delegate bool ItemFilter(SimulatedItem item, MailboxStore mailbox);

/// <summary>
/// FindItem's Restriction and SortOrder, compiled against the item property catalog. Restrictions: Exists, the six
/// comparisons (against a constant or another path), Contains (every ContainmentMode; case-sensitive only with
/// ContainmentComparison Exact), Not, And, Or, over the FieldURIs that have a value in <see cref="ItemProperties"/>
/// and over ExtendedFieldURIs. Strings compare case-insensitively, as the store does. A path that cannot be queried
/// is refused with ErrorUnsupportedPathForQuery (ErrorUnsupportedPathForSortGroup in a SortOrder), never ignored.
/// </summary>
internal static class ItemQuery
{
    private const string T = EwsNamespaces.Types;

    private static readonly string[] SearchExpressions =
        ["Exists", "Excludes", "IsEqualTo", "IsNotEqualTo", "IsGreaterThan", "IsGreaterThanOrEqualTo", "IsLessThan", "IsLessThanOrEqualTo", "Contains", "Not", "And", "Or"];

    private static readonly string[] Paths = ["FieldURI", "IndexedFieldURI", "ExtendedFieldURI"];
    private static readonly string[] ContainmentModes = ["FullString", "Prefixed", "Substring", "PrefixOnWords", "ExactPhrase"];
    private static readonly string[] ContainmentComparisons =
        ["Exact", "IgnoreCase", "IgnoreNonSpacingCharacters", "Loose", "IgnoreCaseAndNonSpacingCharacters", "LooseAndIgnoreCase", "LooseAndIgnoreNonSpace", "LooseAndIgnoreCaseAndIgnoreNonSpace"];
    private static readonly string[] SortDirections = ["Ascending", "Descending"];

    private static readonly ElementSequence RestrictionSequence = new(EwsNamespaces.Messages, "Restriction", Particle.Choice(T, 1, 1, SearchExpressions));
    private static readonly ElementSequence SingleOperand = new(T, "Not", Particle.Choice(T, 1, 1, SearchExpressions));
    private static readonly ElementSequence ManyOperands = new(T, "And", Particle.Choice(T, 1, Particle.Unbounded, SearchExpressions));
    private static readonly ElementSequence PathOnly = new(T, "Exists", Particle.Choice(T, 1, 1, Paths));
    private static readonly ElementSequence Comparison = new(T, "IsEqualTo", Particle.Choice(T, 1, 1, Paths), Particle.Required(T, "FieldURIOrConstant"));
    private static readonly ElementSequence PathWithConstant = new(T, "Contains", Particle.Choice(T, 1, 1, Paths), Particle.Required(T, "Constant"));
    private static readonly ElementSequence ConstantOrPath = new(T, "FieldURIOrConstant", Particle.Choice(T, 1, 1, ["Constant", .. Paths]));
    private static readonly ElementSequence SortOrderSequence = new(EwsNamespaces.Messages, "SortOrder", Particle.Many(T, "FieldOrder", minOccurs: 1));
    private static readonly ElementSequence FieldOrderSequence = new(T, "FieldOrder", Particle.Choice(T, 1, 1, Paths));
    private static readonly ElementSequence Empty = new(T, "Constant");

    /// <summary>Properties that are bits of PR_MESSAGE_FLAGS: always present, so Exists on them is an error.</summary>
    private static readonly HashSet<string> MessageFlags = new(StringComparer.Ordinal)
    {
        "message:IsRead", "item:IsFromMe", "item:IsDraft", "item:IsSubmitted", "item:IsUnmodified", "item:IsResend",
    };

    private delegate IComparable? ValueReader(SimulatedItem item, MailboxStore mailbox);

    /// <summary>Reads m:Restriction (the reader is on it).</summary>
    public static ItemFilter ReadRestriction(XmlReader reader)
    {
        ItemFilter? filter = null;
        var cursor = RestrictionSequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            filter = ReadExpression(reader);
        }

        return filter!;
    }

    /// <summary>Reads m:SortOrder into a comparison that orders items by every FieldOrder in turn.</summary>
    public static Comparison<(SimulatedItem Item, MailboxStore Mailbox)> ReadSortOrder(XmlReader reader)
    {
        var orders = new List<(ValueReader Value, bool Descending)>();
        var cursor = SortOrderSequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            var descending = StrictXml.EnumAttribute(reader, "Order", "SortDirectionType", SortDirections, required: true) == "Descending";
            var fields = FieldOrderSequence.Open(reader);
            while (fields.MoveNext(out _))
            {
                orders.Add((ReadPath(reader, "ErrorUnsupportedPathForSortGroup", "sort"), descending));
            }
        }

        return (left, right) =>
        {
            foreach (var (value, descending) in orders)
            {
                var order = CompareValues(value(left.Item, left.Mailbox), value(right.Item, right.Mailbox));
                if (order != 0)
                {
                    return descending ? -order : order;
                }
            }

            return 0;
        };
    }

    private static ItemFilter ReadExpression(XmlReader reader)
    {
        var name = reader.LocalName;
        switch (name)
        {
            case "Not":
            {
                ItemFilter? operand = null;
                var cursor = SingleOperand.Open(reader);
                while (cursor.MoveNext(out _))
                {
                    operand = ReadExpression(reader);
                }

                return (item, mailbox) => !operand!(item, mailbox);
            }

            case "And" or "Or":
            {
                var operands = new List<ItemFilter>();
                var cursor = ManyOperands.Open(reader);
                while (cursor.MoveNext(out _))
                {
                    operands.Add(ReadExpression(reader));
                }

                return name == "And"
                    ? (item, mailbox) => operands.TrueForAll(operand => operand(item, mailbox))
                    : (item, mailbox) => operands.Exists(operand => operand(item, mailbox));
            }

            case "Exists":
            {
                ValueReader? value = null;
                var cursor = PathOnly.Open(reader);
                while (cursor.MoveNext(out _))
                {
                    if (reader.LocalName == "FieldURI" && reader.GetAttribute("FieldURI") is { } flag && MessageFlags.Contains(flag))
                    {
                        throw new EwsFault("ErrorInvalidPropertyForExists", $"{flag} is a flag of PR_MESSAGE_FLAGS; use IsEqualTo instead of Exists.", [new("FieldURI", flag)]);
                    }

                    value = ReadPath(reader, "ErrorUnsupportedPathForQuery", "restrict");
                }

                return (item, mailbox) => value!(item, mailbox) is { } present && present is not "";
            }

            case "Contains":
                return ReadContains(reader);

            case "Excludes":
                throw EwsFault.NotSimulated("FindItem restrictions with Excludes (bitmask tests)");

            default:
                return ReadComparison(reader, name);
        }
    }

    private static ItemFilter ReadComparison(XmlReader reader, string name)
    {
        ValueReader? left = null;
        ValueReader? right = null;
        var cursor = Comparison.Open(reader);
        while (cursor.MoveNext(out var particle))
        {
            if (particle == 0)
            {
                left = ReadPath(reader, "ErrorUnsupportedPathForQuery", "restrict");
                continue;
            }

            var operand = ConstantOrPath.Open(reader);
            while (operand.MoveNext(out _))
            {
                if (reader.LocalName == "Constant")
                {
                    var text = StrictXml.RequiredAttribute(reader, "Value");
                    Empty.Open(reader).SkipRemaining();
                    right = (item, mailbox) => Coerce(text, left!(item, mailbox));
                }
                else
                {
                    right = ReadPath(reader, "ErrorUnsupportedPathForQuery", "restrict");
                }
            }
        }

        Func<int, bool> accept = name switch
        {
            "IsEqualTo" => order => order == 0,
            "IsNotEqualTo" => order => order != 0,
            "IsGreaterThan" => order => order > 0,
            "IsGreaterThanOrEqualTo" => order => order >= 0,
            "IsLessThan" => order => order < 0,
            _ => order => order <= 0,
        };
        return (item, mailbox) =>
        {
            var (l, r) = (left!(item, mailbox), right!(item, mailbox));
            // A missing property matches no comparison except IsNotEqualTo, as in the store.
            return l is null || r is null ? name == "IsNotEqualTo" && !(l is null && r is null) : accept(CompareValues(l, r));
        };
    }

    private static ItemFilter ReadContains(XmlReader reader)
    {
        var mode = StrictXml.EnumAttribute(reader, "ContainmentMode", "ContainmentModeType", ContainmentModes, required: false) ?? "Substring";
        var comparison = StrictXml.EnumAttribute(reader, "ContainmentComparison", "ContainmentComparisonType", ContainmentComparisons, required: false) ?? "IgnoreCase";
        var ordinal = comparison == "Exact" ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        ValueReader? value = null;
        string? constant = null;
        var cursor = PathWithConstant.Open(reader);
        while (cursor.MoveNext(out var particle))
        {
            if (particle == 0)
            {
                value = ReadPath(reader, "ErrorUnsupportedPathForQuery", "restrict");
            }
            else
            {
                constant = StrictXml.RequiredAttribute(reader, "Value");
                Empty.Open(reader).SkipRemaining();
            }
        }

        return (item, mailbox) => value!(item, mailbox) is string text && mode switch
        {
            "FullString" => text.Equals(constant, ordinal),
            "Prefixed" => text.StartsWith(constant!, ordinal),
            "PrefixOnWords" => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Any(word => word.StartsWith(constant!, ordinal)),
            _ => text.Contains(constant!, ordinal),
        };
    }

    /// <summary>A FieldURI with a queryable value, or an ExtendedFieldURI (first-class tags computed, others as stored).</summary>
    private static ValueReader ReadPath(XmlReader reader, string refusalCode, string usage)
    {
        switch (reader.LocalName)
        {
            case "FieldURI":
            {
                var fieldUri = StrictXml.RequiredAttribute(reader, "FieldURI");
                reader.Skip();
                var value = ItemProperties.Queryable(fieldUri, refusalCode, usage);
                return (item, mailbox) => value(item, mailbox);
            }

            case "ExtendedFieldURI":
            {
                var uri = ExtendedFieldUri.Read(reader);
                reader.Skip();
                MapiTags.ThrowIfMistyped(uri.Key);
                return (item, mailbox) => MapiTags.ReadItem(uri.Key, item, mailbox)
                    ?? (item.ExtendedProperties.TryGetValue(uri.Key, out var values) && values.Length > 0 ? values[0] : null);
            }

            default:
            {
                var path = $"{reader.GetAttribute("FieldURI")} [{reader.GetAttribute("FieldIndex")}]";
                reader.Skip();
                throw new EwsFault(refusalCode, $"The ExSync Exchange simulator cannot {usage} on {path}.", [new("FieldURI", path)]);
            }
        }
    }

    /// <summary>A constant takes the type of the property it is compared with.</summary>
    private static IComparable? Coerce(string constant, IComparable? like) => like switch
    {
        bool => bool.TryParse(constant, out var flag) ? flag : constant == "1",
        DateTimeOffset => DateTimeOffset.TryParse(constant, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null,
        long => long.TryParse(constant, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : null,
        int => constant switch
        {
            "Low" => 0,
            "Normal" => 1,
            "High" => 2,
            _ => int.TryParse(constant, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var rank) ? rank : null,
        },
        _ => constant,
    };

    private static int CompareValues(IComparable? left, IComparable? right) => (left, right) switch
    {
        (null, null) => 0,
        (null, _) => -1,
        (_, null) => 1,
        (string l, string r) => string.Compare(l, r, StringComparison.OrdinalIgnoreCase),
        _ when left.GetType() == right.GetType() => left.CompareTo(right),
        _ => string.Compare(ItemProperties.Format(left), ItemProperties.Format(right), StringComparison.OrdinalIgnoreCase),
    };
}
