using System.Security.Cryptography;
using ExSync.Api.Infrastructure;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Persistence;
using Microsoft.Extensions.Options;

namespace ExSync.Api.Tests;

/// <summary>
/// A setting that would make requests fail later (with 500s, or by refusing every token while /health/ready says 200) stops ExSync
/// at start instead: the process exits with code 1 and one line that names the setting, not with a crash and a stack trace.
/// </summary>
public sealed class MisconfigurationTests
{
    private const string Bearer = "Authentication:Schemes:Bearer";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Settings on top of a valid configuration, and the setting the refusal must name.</summary>
    public static TheoryData<string, string> Misconfigurations => new()
    {
        { "signing key not base64", $"{Bearer}:SigningKeys:0:Value" },
        { "signing key of 128 bits", $"{Bearer}:SigningKeys:0:Value" },
        { "signing key of another issuer", $"{Bearer}:SigningKeys:0:Issuer" },
        { "two signing keys of one issuer", $"{Bearer}:SigningKeys:1:Issuer" },
        { "negative body limit", "Limits:MaxRequestBodyBytes" },
        { "no burst of jobs", "Limits:JobsBurst" },
        { "clock skew of 10 minutes", "Authentication:ClockSkew" },
        { "clock skew negative", "Authentication:ClockSkew" },
        { "allowed network not a CIDR block", "Exchange:OutboundPolicy:AllowedNetworks" },
        { "change feed kept 3 days", "ChangeFeed:Retention" },
        { "bulk body limit below the body limit", "Limits:MaxBulkRequestBodyBytes" },
    };

    [Theory]
    [MemberData(nameof(Misconfigurations))]
    public async Task AMisconfigurationIsRefusedAtStartNamingTheSetting(string misconfiguration, string setting)
    {
        await using var app = new ExSyncApplication();
        foreach (var (key, value) in Settings(misconfiguration, app.Tokens))
        {
            app.Settings[key] = value;
        }

        var refusal = Record.Exception(() => app.CreateClient().Dispose());

        Assert.True(refusal is not null, $"ExSync started with {misconfiguration}.");
        Assert.Contains(setting, Messages(refusal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSameSettingsWithoutTheMistakeStart()
    {
        // The control for the theory above: the valid configuration it starts from, with a second key of another issuer.
        await using var app = new ExSyncApplication();
        app.Settings[$"{Bearer}:ValidIssuers:0"] = "https://other.contoso.test";
        app.Settings[$"{Bearer}:SigningKeys:1:Issuer"] = "https://other.contoso.test";
        app.Settings[$"{Bearer}:SigningKeys:1:Value"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        app.Settings["Authentication:ClockSkew"] = "00:05:00";
        app.Settings["Limits:MaxRequestBodyBytes"] = "1024";
        app.Settings["Limits:MaxBulkRequestBodyBytes"] = "2000";
        app.Settings["ChangeFeed:Retention"] = "7.00:00:00";

        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.CreateClient().GetAsync("/api/v1/server-profiles", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("negative body limit and no burst of jobs")]
    [InlineData("body limit not a number")]
    [InlineData("signing key not base64")]
    public async Task TheProcessExitsWithCode1AndOneLineNamingTheSettings(string misconfiguration)
    {
        var directory = Directory.CreateTempSubdirectory("exsync-misconfigured-").FullName;
        var settings = Settings(misconfiguration, ApiProcess.Tokens);

        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(directory, settings, Ct);

        Assert.True(exitCode == 1, $"Exit code {exitCode}:{Environment.NewLine}{output}");
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("ExSync cannot start: ", line, StringComparison.Ordinal);
        foreach (var setting in settings.Keys)
        {
            Assert.Contains(setting, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WithoutASigningKeyOrAnAuthorityTheProcessExitsSayingWhatToConfigure()
    {
        var directory = Directory.CreateTempSubdirectory("exsync-no-key-").FullName;

        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(directory, new Dictionary<string, string>(), Ct, trustTestTokens: false);

        Assert.True(exitCode == 1, $"Exit code {exitCode}:{Environment.NewLine}{output}");
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        foreach (var remedy in new[] { $"{Bearer}:SigningKeys", $"{Bearer}:Authority", "dotnet user-jwts create", "Demo:Enabled=true" })
        {
            Assert.Contains(remedy, line, StringComparison.Ordinal);
        }
    }

    private static Dictionary<string, string> Settings(string misconfiguration, TestTokens tokens) => misconfiguration switch
    {
        "signing key not base64" => new() { [$"{Bearer}:SigningKeys:0:Value"] = "not-base64!" },
        "signing key of 128 bits" => new() { [$"{Bearer}:SigningKeys:0:Value"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)) },
        "signing key of another issuer" => new() { [$"{Bearer}:SigningKeys:0:Issuer"] = "https://someone-else.test" },
        "two signing keys of one issuer" => new()
        {
            [$"{Bearer}:SigningKeys:1:Issuer"] = TestTokens.Issuer,
            [$"{Bearer}:SigningKeys:1:Value"] = tokens.KeyBase64,
        },
        "negative body limit" => new() { ["Limits:MaxRequestBodyBytes"] = "-5" },
        "negative body limit and no burst of jobs" => new() { ["Limits:MaxRequestBodyBytes"] = "-5", ["Limits:JobsBurst"] = "0" },
        "body limit not a number" => new() { ["Limits:MaxRequestBodyBytes"] = "1MB" },
        "no burst of jobs" => new() { ["Limits:JobsBurst"] = "0" },
        "clock skew of 10 minutes" => new() { ["Authentication:ClockSkew"] = "00:10:00" },
        "clock skew negative" => new() { ["Authentication:ClockSkew"] = "-00:00:01" },
        "allowed network not a CIDR block" => new() { ["Exchange:OutboundPolicy:AllowedNetworks:0"] = "exchange.contoso.com" },
        "change feed kept 3 days" => new() { ["ChangeFeed:Retention"] = "3.00:00:00" },
        "bulk body limit below the body limit" => new() { ["Limits:MaxBulkRequestBodyBytes"] = "2000" },
        _ => throw new ArgumentOutOfRangeException(nameof(misconfiguration)),
    };

    [Fact]
    public void AnInvalidSettingIsOneLineNamingItsSetting()
    {
        var line = StartupFailure.Describe(new InvalidSettingException("ConnectionStrings:ExSync", "is empty.\nName a SQLite database file."));

        Assert.Equal("ExSync cannot start: ConnectionStrings:ExSync: is empty. Name a SQLite database file.", line);
    }

    [Fact]
    public void SeveralWrongSettingsAreOneLine()
    {
        var failures = new AggregateException(
            new OptionsValidationException("", typeof(object), ["Limits:JobsBurst must be at least 1.", "Limits:JobsPerMinute must be at least 1."]),
            new InvalidSettingException("Demo:ConnectionString", "Demo:ConnectionString names a directory."));

        Assert.Equal(
            "ExSync cannot start: Limits:JobsBurst must be at least 1. Limits:JobsPerMinute must be at least 1. Demo:ConnectionString names a directory.",
            StartupFailure.Describe(failures));
    }

    [Fact]
    public void AnUnexpectedFailureKeepsItsDetailsAfterTheLine()
    {
        var unexpected = Record.Exception(Listen)!;

        var lines = StartupFailure.Describe(unexpected).Split(Environment.NewLine);

        Assert.Equal("ExSync cannot start: Failed to bind to address http://127.0.0.1:5180: address already in use.", lines[0]);
        Assert.Contains(lines, line => line.Contains(nameof(Listen), StringComparison.Ordinal));

        static void Listen() => throw new IOException("Failed to bind to address http://127.0.0.1:5180: address already in use.");
    }

    private static string Messages(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            messages.Add(current.Message);
        }

        return string.Join(Environment.NewLine, messages);
    }
}
