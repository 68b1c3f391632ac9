namespace ExSync.ExchangeSimulator;

/// <summary>
/// What a simulated Exchange version reports (ServerVersionInfo) and which RequestServerVersion values it accepts.
/// Builds follow the public build tables (see ews-protocol.md §1.4 and dynamics-reference.md §5).
/// </summary>
internal sealed class ExchangeServerProfile
{
    /// <summary>
    /// Every RequestServerVersion value an on-premises schema knows, oldest first. A value outside this list is
    /// unknown (ErrorInvalidRequest); a listed value outside a profile's range is ErrorInvalidServerVersion.
    /// V2018_01_08 and later exist only in Exchange Online, so on-premises servers reject them as unknown.
    /// </summary>
    private static readonly string[] KnownRequestVersions =
    [
        "Exchange2007", "Exchange2007_SP1", "Exchange2009", "Exchange2010", "Exchange2010_SP1", "Exchange2010_SP2",
        "Exchange2012", "Exchange2013", "Exchange2013_SP1", "Exchange2015", "Exchange2016",
        "V2015_10_05", "V2016_01_06", "V2016_04_13", "V2016_07_13", "V2016_10_10", "V2017_01_07", "V2017_04_14", "V2017_07_11",
    ];

    private static readonly Dictionary<string, int> KnownRequestVersionOrder =
        KnownRequestVersions.Select((name, index) => (name, index)).ToDictionary(pair => pair.name, pair => pair.index, StringComparer.Ordinal);

    private static readonly ExchangeServerProfile[] Profiles =
    [
        new(SimulatedExchangeVersion.Exchange2010, "Exchange 2010 SP3", 14, 3, 123, 4, "Exchange2010_SP2", "Exchange2007", "Exchange2010_SP2"),
        new(SimulatedExchangeVersion.Exchange2013, "Exchange 2013 RTM", 15, 0, 516, 32, "Exchange2013", "Exchange2007_SP1", "Exchange2013"),
        // The schema label of 2013 CUs is V2_n (V2_4 observed at 15.0.775, V2_23 at CU23); V2_6 for SP1 is plausible
        // but unverified. Clients must never echo it, so its exact value does not matter to them.
        new(SimulatedExchangeVersion.Exchange2013Sp1, "Exchange 2013 SP1", 15, 0, 847, 32, "V2_6", "Exchange2007_SP1", "Exchange2013_SP1"),
        new(SimulatedExchangeVersion.Exchange2016, "Exchange 2016 CU23", 15, 1, 2507, 6, "V2017_07_11", "Exchange2007_SP1", "V2017_07_11"),
        new(SimulatedExchangeVersion.Exchange2019, "Exchange 2019 CU14", 15, 2, 1544, 4, "V2017_07_11", "Exchange2007_SP1", "V2017_07_11"),
        new(SimulatedExchangeVersion.ExchangeSE, "Exchange Server SE RTM", 15, 2, 2562, 17, "V2017_07_11", "Exchange2007_SP1", "V2017_07_11"),
    ];

    private readonly int _oldestAcceptedVersion;
    private readonly int _newestAcceptedVersion;

    private ExchangeServerProfile(
        SimulatedExchangeVersion version, string productName, int major, int minor, int majorBuild, int minorBuild,
        string schemaLabel, string oldestAcceptedRequestVersion, string newestAcceptedRequestVersion)
    {
        Version = version;
        ProductName = productName;
        MajorVersion = major;
        MinorVersion = minor;
        MajorBuildNumber = majorBuild;
        MinorBuildNumber = minorBuild;
        SchemaLabel = schemaLabel;
        _oldestAcceptedVersion = KnownRequestVersionOrder[oldestAcceptedRequestVersion];
        _newestAcceptedVersion = KnownRequestVersionOrder[newestAcceptedRequestVersion];
    }

    public SimulatedExchangeVersion Version { get; }

    public string ProductName { get; }

    public int MajorVersion { get; }

    public int MinorVersion { get; }

    public int MajorBuildNumber { get; }

    public int MinorBuildNumber { get; }

    /// <summary>ServerVersionInfo@Version: the server's internal schema label, not a valid request value.</summary>
    public string SchemaLabel { get; }

    public string BuildNumber => $"{MajorVersion}.{MinorVersion}.{MajorBuildNumber}.{MinorBuildNumber}";

    public static ExchangeServerProfile For(SimulatedExchangeVersion version) => Profiles[(int)version];

    public static bool IsKnownRequestVersion(string requestVersion) => KnownRequestVersionOrder.ContainsKey(requestVersion);

    /// <summary>Whether this server accepts a known RequestServerVersion value.</summary>
    public bool Accepts(string requestVersion) =>
        KnownRequestVersionOrder.TryGetValue(requestVersion, out var order) && order >= _oldestAcceptedVersion && order <= _newestAcceptedVersion;

    /// <summary>The request versions this server accepts, oldest first.</summary>
    public IEnumerable<string> AcceptedRequestVersions => KnownRequestVersions[_oldestAcceptedVersion..(_newestAcceptedVersion + 1)];
}
