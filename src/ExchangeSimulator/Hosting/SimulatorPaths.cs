using Microsoft.AspNetCore.Http;

namespace ExSync.ExchangeSimulator;

/// <summary>The simulator's URL paths. IIS treats paths case-insensitively, so the simulator does too.</summary>
internal static class SimulatorPaths
{
    public const string Ews = "/EWS/Exchange.asmx";
    public const string AutodiscoverSoap = "/autodiscover/autodiscover.svc";
    public const string AutodiscoverXml = "/autodiscover/autodiscover.xml";

    /// <summary>The control API's root: not Exchange's, the simulator's own (outbox, send limits, faults, counters).</summary>
    public const string Control = "/_simulator";

    public static bool IsEws(PathString path) => path.Equals(Ews, StringComparison.OrdinalIgnoreCase);

    public static bool IsAutodiscoverSoap(PathString path) => path.Equals(AutodiscoverSoap, StringComparison.OrdinalIgnoreCase);

    public static bool IsAutodiscoverXml(PathString path) => path.Equals(AutodiscoverXml, StringComparison.OrdinalIgnoreCase);

    public static bool IsControl(PathString path) => path.StartsWithSegments(Control, StringComparison.OrdinalIgnoreCase);

    public static bool IsAutodiscover(PathString path) => IsAutodiscoverSoap(path) || IsAutodiscoverXml(path);

    /// <summary>
    /// EWS, the SOAP endpoint and the control API need credentials for every method (a client may even start NTLM with a GET);
    /// autodiscover.xml needs them for POST, while an anonymous GET is the X-SOAP-Enabled probe.
    /// </summary>
    public static bool RequiresAuthentication(HttpRequest request) =>
        IsEws(request.Path) ||
        IsControl(request.Path) ||
        IsAutodiscoverSoap(request.Path) ||
        (IsAutodiscoverXml(request.Path) && (!HttpMethods.IsGet(request.Method) || request.Headers.Authorization.Count > 0));

    /// <summary>Matches /{tenantId}/oauth2/v2.0/token.</summary>
    public static bool TryMatchTokenEndpoint(PathString path, out string tenantId)
    {
        tenantId = "";
        var value = path.Value;
        const string suffix = "/oauth2/v2.0/token";
        if (value is null || !value.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) || value.Length <= suffix.Length + 1)
        {
            return false;
        }

        var candidate = value[1..^suffix.Length];
        if (candidate.Contains('/', StringComparison.Ordinal))
        {
            return false;
        }

        tenantId = Uri.UnescapeDataString(candidate);
        return true;
    }
}
