using System.Text.Json;
using System.Text.Json.Serialization;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Everything the simulated Exchange organisation consists of: the server, the accounts that can sign in,
/// the mailboxes, the faults to inject and the OAuth applications for Hybrid Modern Auth.
/// The same class graph is the JSON scenario file format (camelCase, enums as strings).
/// </summary>
public sealed class SimulatorScenario
{
    /// <summary>The simulated Exchange server (version, host names, latency, authentication, autodiscover).</summary>
    public ScenarioServer Server { get; set; } = new();

    /// <summary>Accounts that can authenticate (Basic, NTLM) and their impersonation rights.</summary>
    public List<ScenarioAccount> Accounts { get; set; } = [];

    /// <summary>Mailboxes hosted by the simulated organisation.</summary>
    public List<ScenarioMailbox> Mailboxes { get; set; } = [];

    /// <summary>Faults injected into matching requests, in order; the first active match wins.</summary>
    public List<ScenarioFault> Faults { get; set; } = [];

    /// <summary>Applications that may obtain Bearer tokens with the client-credentials grant.</summary>
    public List<ScenarioOAuthApplication> OAuthApplications { get; set; } = [];

    /// <summary>The JSON options of the scenario file format: camelCase, enums as strings, comments allowed.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = CreateJsonOptions();

    /// <summary>Reads a scenario from a JSON file.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid scenario.</exception>
    public static SimulatorScenario LoadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses a scenario from JSON text.</summary>
    /// <exception cref="InvalidDataException">The text is not a valid scenario.</exception>
    public static SimulatorScenario Parse(string json) => Parse(json, source: "scenario JSON");

    /// <summary>Serialises the scenario in the scenario file format.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    private static SimulatorScenario Parse(string json, string source)
    {
        SimulatorScenario? scenario;
        try
        {
            scenario = JsonSerializer.Deserialize<SimulatorScenario>(json, JsonOptions);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"The {source} is not a valid simulator scenario: {exception.Message}", exception);
        }

        if (scenario is null)
        {
            throw new InvalidDataException($"The {source} is empty (null).");
        }

        ScenarioValidator.ThrowIfInvalid(scenario);
        return scenario;
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            // A misspelt property in a hand-written scenario should fail loudly, not be silently ignored.
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.Strict,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }
}
