using System.Globalization;

namespace ExSync.Exchange.Ews;

/// <summary>The Exchange product, derived from the build numbers in EWS <c>ServerVersionInfo</c>.</summary>
public enum ExchangeProduct
{
    /// <summary>No or unrecognised version information (including Exchange Online's 15.20+ builds).</summary>
    Unknown,

    /// <summary>Major version below 15: Exchange 2010, 2007 or older. Not supported.</summary>
    Exchange2010OrOlder,

    /// <summary>15.0 with a major build below 847: Exchange 2013 RTM to CU3. Not supported.</summary>
    Exchange2013BeforeSp1,

    /// <summary>15.0 with a major build of 847 or more: Exchange 2013 SP1 (CU4) or a later CU. Supported.</summary>
    Exchange2013Sp1OrLater,

    /// <summary>15.1: Exchange Server 2016. Supported.</summary>
    Exchange2016,

    /// <summary>15.2 with a major build below 2562: Exchange Server 2019. Supported.</summary>
    Exchange2019,

    /// <summary>15.2 with a major build of 2562 or more: Exchange Server Subscription Edition, supported as 2019.</summary>
    ExchangeSE,
}

/// <summary>
/// The version an Exchange server reported in the <c>ServerVersionInfo</c> SOAP header. Every attribute is optional
/// in the schema, so every number is nullable.
/// </summary>
/// <param name="MajorVersion">For example 15.</param>
/// <param name="MinorVersion">0 = 2013, 1 = 2016, 2 = 2019 and SE.</param>
/// <param name="MajorBuildNumber">For example 1544 (2019 CU14).</param>
/// <param name="MinorBuildNumber">Security update level, for example 4.</param>
/// <param name="SchemaVersion">
/// The server's internal schema label (for example <c>V2017_07_11</c>). Informational only: it is not a valid
/// RequestServerVersion value and is never sent back.
/// </param>
public sealed record ExchangeServerVersion(
    int? MajorVersion,
    int? MinorVersion,
    int? MajorBuildNumber,
    int? MinorBuildNumber,
    string? SchemaVersion)
{
    /// <summary>First major build of Exchange 2013 SP1 (15.0.847.32, CU4).</summary>
    public const int Exchange2013Sp1MajorBuild = 847;

    /// <summary>First major build of Exchange Server SE (15.2.2562.17).</summary>
    public const int ExchangeSeMajorBuild = 2562;

    /// <summary>The product these numbers identify.</summary>
    public ExchangeProduct Product => Classify(MajorVersion, MinorVersion, MajorBuildNumber);

    /// <summary>True for Exchange 2013 SP1 or later, 2016, 2019 and SE.</summary>
    public bool IsSupported => Product is ExchangeProduct.Exchange2013Sp1OrLater or ExchangeProduct.Exchange2016
        or ExchangeProduct.Exchange2019 or ExchangeProduct.ExchangeSE;

    /// <summary>The build as administrators see it, for example <c>15.2.1544.4</c> (parts the server omitted are left out).</summary>
    public string Build => string.Join('.',
        new[] { MajorVersion, MinorVersion, MajorBuildNumber, MinorBuildNumber }
            .TakeWhile(part => part is not null)
            .Select(part => part!.Value.ToString(CultureInfo.InvariantCulture)));

    /// <summary>A human-readable product name, for example "Exchange Server 2019".</summary>
    public string ProductName => Product switch
    {
        ExchangeProduct.Exchange2010OrOlder => "Exchange Server 2010 or older",
        ExchangeProduct.Exchange2013BeforeSp1 => "Exchange Server 2013 before SP1 (RTM to CU3)",
        ExchangeProduct.Exchange2013Sp1OrLater => "Exchange Server 2013 SP1 or later",
        ExchangeProduct.Exchange2016 => "Exchange Server 2016",
        ExchangeProduct.Exchange2019 => "Exchange Server 2019",
        ExchangeProduct.ExchangeSE => "Exchange Server Subscription Edition",
        _ => "an unrecognized Exchange version",
    };

    /// <summary>Maps version numbers to a product (rules of ews-protocol.md §1.4).</summary>
    /// <param name="majorVersion">MajorVersion attribute.</param>
    /// <param name="minorVersion">MinorVersion attribute.</param>
    /// <param name="majorBuildNumber">MajorBuildNumber attribute.</param>
    public static ExchangeProduct Classify(int? majorVersion, int? minorVersion, int? majorBuildNumber) =>
        (majorVersion, minorVersion, majorBuildNumber) switch
        {
            (null, _, _) => ExchangeProduct.Unknown,
            ( < 15, _, _) => ExchangeProduct.Exchange2010OrOlder,
            (15, 0, < Exchange2013Sp1MajorBuild) => ExchangeProduct.Exchange2013BeforeSp1,
            (15, 0, >= Exchange2013Sp1MajorBuild) => ExchangeProduct.Exchange2013Sp1OrLater,
            (15, 1, _) => ExchangeProduct.Exchange2016,
            (15, 2, >= ExchangeSeMajorBuild) => ExchangeProduct.ExchangeSE,
            (15, 2, _) => ExchangeProduct.Exchange2019,
            _ => ExchangeProduct.Unknown, // 15.0 without a build, 15.3–15.19, Exchange Online 15.20+, or 16+
        };

    /// <inheritdoc />
    public override string ToString() => $"{ProductName} ({Build})";
}
