using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Tests.Infrastructure;

namespace ExSync.Api.Tests;

/// <summary>Error codes are part of the contract, so every one the API can answer with, or put in a result, is documented in the README.</summary>
public sealed class ErrorCodeDocumentationTests
{
    [Fact]
    public async Task EveryProblemCodeIsListedInTheReadme()
    {
        var path = Repository.PathOf("README.md");
        Assert.True(File.Exists(path), $"{path} does not exist.");
        var readme = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);

        // A code counts as listed when it opens a row of one of the README's code tables ("| `Code` |"), not when it merely appears in prose.
        // Test & Enable codes reach clients in job results, a mailbox's lastError and alerts, so they are contract too.
        var missing = ProblemCodes.All
            .Select(c => c.Code)
            .Concat(ExSync.Api.Jobs.TestErrorCodes.All.Select(c => c.Code))
            .Where(code => !readme.Contains($"\n| `{code}` |", StringComparison.Ordinal))
            .ToList();

        Assert.True(missing.Count == 0, $"README.md does not list these error codes: {string.Join(", ", missing)}");
    }

    [Fact]
    public void EveryProblemCodeIsListedOnceWithAnErrorStatus()
    {
        Assert.Equal(ProblemCodes.All.Count, ProblemCodes.All.Select(c => c.Code).Distinct(StringComparer.Ordinal).Count());
        Assert.All(ProblemCodes.All, c => Assert.InRange(c.Status, 400, 599));
        Assert.All(ProblemCodes.All, c => Assert.False(string.IsNullOrWhiteSpace(c.Meaning), $"{c.Code} has no meaning"));
    }

    [Fact]
    public void EveryCodeConstantIsInTheDocumentedList()
    {
        var constants = typeof(ProblemCodes)
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);

        var listed = ProblemCodes.All.Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
        var unlisted = constants.Where(c => !listed.Contains(c)).ToList();
        Assert.True(unlisted.Count == 0, $"ProblemCodes.All does not list: {string.Join(", ", unlisted)}");
    }

    [Fact]
    public void EveryDomainErrorCodeIsInTheDocumentedList()
    {
        // Broken domain rules reach clients as problem codes, so each *Errors class of the domain contributes to the contract.
        var domainCodes = typeof(ExSync.Domain.Common.DomainError).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: true, IsSealed: true } && t.Name.EndsWith("Errors", StringComparison.Ordinal))
            .SelectMany(t => t.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => $"{f.DeclaringType!.Name}.{f.Name} = {f.GetRawConstantValue()}")
            .ToList();
        Assert.NotEmpty(domainCodes);

        // Rules broken by a request are problem codes; failures found by Test & Enable are result codes (job results, lastError, alerts).
        var listed = ProblemCodes.All.Select(c => c.Code).Concat(ExSync.Api.Jobs.TestErrorCodes.All.Select(c => c.Code)).ToHashSet(StringComparer.Ordinal);
        var unlisted = domainCodes.Where(c => !listed.Contains(c.Split(" = ")[1])).ToList();
        Assert.True(unlisted.Count == 0, $"Neither ProblemCodes.All nor TestErrorCodes.All lists these domain error codes: {string.Join(", ", unlisted)}");
    }
}
