using System.Text.Json.Nodes;
using ExSync.Api.Tests.Infrastructure;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace ExSync.Api.Tests;

/// <summary>The checked-in openapi.json is the contract: the running application must serve exactly it.</summary>
public sealed class ContractTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServedDocumentEqualsTheCheckedInContract()
    {
        var served = JsonNode.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json", Ct));
        var checkedIn = JsonNode.Parse(await File.ReadAllTextAsync(Repository.PathOf("openapi.json"), Ct));

        Assert.True(
            JsonNode.DeepEquals(served, checkedIn),
            "openapi.json differs from the document the application serves. Build src/Api (it rewrites openapi.json) and commit the file.");
    }

    [Fact]
    public async Task ContractIsAValidOpenApi30DocumentWithoutDiagnostics()
    {
        await using var stream = File.OpenRead(Repository.PathOf("openapi.json"));
        var result = await OpenApiDocument.LoadAsync(stream, "json", new OpenApiReaderSettings(), Ct);

        Assert.NotNull(result.Document);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_0, result.Diagnostic!.SpecificationVersion);
        Assert.Empty(result.Diagnostic.Errors);
        Assert.Empty(result.Diagnostic.Warnings);
    }

    [Fact]
    public async Task EveryOperationIsDocumentedWithIdSummaryDescriptionAndProblemResponses()
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Repository.PathOf("openapi.json"), Ct))!;
        var operationIds = new HashSet<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var where = $"{method.ToUpperInvariant()} {path}";
                var id = operation!["operationId"]?.GetValue<string>();
                Assert.False(string.IsNullOrEmpty(id), $"{where} has no operationId");
                Assert.True(operationIds.Add(id!), $"{where} reuses operationId {id}");
                Assert.False(string.IsNullOrEmpty(operation["summary"]?.GetValue<string>()), $"{where} has no summary");
                Assert.False(string.IsNullOrEmpty(operation["description"]?.GetValue<string>()), $"{where} has no description");

                foreach (var (status, response) in operation["responses"]!.AsObject())
                {
                    if (status.StartsWith('4') || status == "500")
                    {
                        var content = response!["content"]?.AsObject();
                        Assert.True(content?.ContainsKey("application/problem+json") == true, $"{where} {status} is not documented as application/problem+json");
                    }
                }

                if (path.StartsWith("/api/", StringComparison.Ordinal))
                {
                    Assert.True(operation["responses"]!.AsObject().ContainsKey("500"), $"{where} does not document 500");
                }
            }
        }
    }

    [Fact]
    public async Task DocumentNamesNoServerSoTheBuildTimeAndServedCopiesAgree()
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Repository.PathOf("openapi.json"), Ct))!;

        Assert.Null(document["servers"]);
        Assert.StartsWith("3.0", document["openapi"]!.GetValue<string>());
    }

    [Fact]
    public void GeneratedClientMethodsNameTheirParametersInCSharpStyle()
    {
        var parameters = typeof(Client.ClientJson).Assembly.GetTypes()
            .Where(t => t.IsClass && t.Name.EndsWith("Client", StringComparison.Ordinal) && t.Namespace == "ExSync.Client")
            .SelectMany(t => t.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly))
            .SelectMany(m => m.GetParameters().Select(p => (Method: $"{m.DeclaringType!.Name}.{m.Name}", p.Name)))
            .ToList();

        // Header parameters used to come out as repeatability_Request_ID and if_Match.
        Assert.DoesNotContain(parameters, p => !System.Text.RegularExpressions.Regex.IsMatch(p.Name!, "^[a-z][A-Za-z0-9]*$"));
        Assert.Contains(("MailboxesClient.TestAndEnableMailboxesAsync", "repeatabilityRequestId"), parameters);
        Assert.Contains(("MailboxesClient.UpdateMailboxAsync", "ifMatch"), parameters);
    }

    [Fact]
    public void EveryGeneratedClientUsesExSyncJsonConventions()
    {
        var clients = typeof(Client.ClientJson).Assembly.GetTypes().Where(t => t.IsClass && t.Name.EndsWith("Client", StringComparison.Ordinal) && t.Namespace == "ExSync.Client").ToList();
        Assert.NotEmpty(clients);
        foreach (var client in clients)
        {
            var create = client.GetMethod("CreateSerializerSettings", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
            var options = (System.Text.Json.JsonSerializerOptions)create.Invoke(null, null)!;
            Assert.True(
                options.Converters.Any(c => c is System.Text.Json.Serialization.JsonStringEnumConverter),
                $"{client.Name} does not apply ClientJson.Configure: add it to src/Client/ClientSerialization.cs");
        }
    }
}
