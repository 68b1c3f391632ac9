using System.Net;
using ExSync.Api.Tests.Infrastructure;

namespace ExSync.Api.Tests;

/// <summary>
/// A token is accepted from its not-before time to its expiry, give or take the clock skew allowed between ExSync and the token's
/// issuer (Authentication:ClockSkew, 30 seconds by default, not the framework's 5 minutes).
/// </summary>
public sealed class TokenLifetimeTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private const string AnyOperation = "/api/v1/server-profiles";

    [Theory]
    [InlineData("exp", -10, HttpStatusCode.OK)]
    [InlineData("exp", -60, HttpStatusCode.Unauthorized)]
    [InlineData("nbf", 10, HttpStatusCode.OK)]
    [InlineData("nbf", 60, HttpStatusCode.Unauthorized)]
    public async Task ATokenOutsideItsLifetimeIsAcceptedOnlyWithinTheClockSkew(string claim, int secondsFromNow, HttpStatusCode expected)
    {
        var time = DateTimeOffset.UtcNow.AddSeconds(secondsFromNow);
        var token = claim == "exp"
            ? app.Tokens.Create("alice", TestTokens.AllPrivileges, expires: time)
            : app.Tokens.Create("alice", TestTokens.AllPrivileges, notBefore: time);

        var response = await SendAsync(app, token);

        Assert.True(expected == response.Status, $"A token whose {claim} is {secondsFromNow} s from now: {(int)response.Status} {response.Body}");
        if (expected == HttpStatusCode.Unauthorized)
        {
            response.AssertProblem(HttpStatusCode.Unauthorized, "Unauthorized");
            Assert.Contains(claim == "exp" ? "expired" : "not valid yet", response.Json!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheClockSkewIsASetting()
    {
        await using var strict = new ExSyncApplication();
        strict.Settings["Authentication:ClockSkew"] = "00:00:00";
        var expiredJustNow = strict.Tokens.Create("alice", TestTokens.AllPrivileges, expires: DateTimeOffset.UtcNow.AddSeconds(-10));
        var valid = strict.Tokens.Create("alice", TestTokens.AllPrivileges);

        (await SendAsync(strict, expiredJustNow)).AssertProblem(HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(strict, valid)).Status);
    }

    private static Task<RawResponse> SendAsync(ExSyncApplication application, string token)
    {
        var http = application.CreateAnonymousClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(HttpMethod.Get, AnyOperation);
    }
}
