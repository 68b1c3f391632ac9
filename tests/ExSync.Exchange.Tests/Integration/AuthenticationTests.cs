using ExSync.Exchange.Tests.Infrastructure;
using ExSync.ExchangeSimulator;
using Microsoft.Extensions.Time.Testing;

namespace ExSync.Exchange.Tests.Integration;

/// <summary>Basic, NTLM (managed), Negotiate, AutoDetect and Hybrid Modern Auth bearer tokens against the simulator.</summary>
public sealed class AuthenticationTests : SimulatorTestBase
{
    [Fact]
    public async Task Basic_is_sent_pre_emptively_without_a_challenge()
    {
        var response = await GetInboxAsync(Scenarios.Target(Simulator, authentication: Scenarios.Basic()));

        Assert.True(response.Folders[0].Succeeded);
        Assert.Equal(0, Simulator.Requests.AuthenticationChallenges);
    }

    [Fact]
    public async Task Ntlm_with_a_upn_user_name_succeeds_and_reuses_the_authenticated_connection()
    {
        var target = Scenarios.Target(Simulator, authentication: Scenarios.Ntlm());

        await GetInboxAsync(target);
        await GetInboxAsync(target);
        await GetInboxAsync(target);

        Assert.Equal(3, Simulator.Requests.Count("GetFolder", Scenarios.Alice));

        // One NTLM handshake for the first request (two 401s: the initial challenge and the NTLM type-2 message);
        // the keep-alive connection then stays authenticated, so the later requests cost no challenge.
        Assert.Equal(2, Simulator.Requests.AuthenticationChallenges);
    }

    [Fact]
    public async Task Ntlm_with_a_domain_and_account_name_succeeds()
    {
        var auth = new ServiceAccountAuthentication($"{Scenarios.ServiceDomain}\\{Scenarios.ServiceSamAccountName}", Scenarios.ServicePassword, AuthenticationProtocol.Ntlm);

        var response = await GetInboxAsync(Scenarios.Target(Simulator, authentication: auth));

        Assert.True(response.Folders[0].Succeeded);
    }

    [Fact]
    public async Task Ntlm_with_a_wrong_password_is_a_permanent_401()
    {
        var exception = await Assert.ThrowsAsync<ExchangeException>(() =>
            GetInboxAsync(Scenarios.Target(Simulator, authentication: Scenarios.Ntlm(password: "not-the-password"))));

        Assert.Equal(ExchangeErrorCodes.AuthenticationFailed, exception.Error.Code);
        Assert.Equal(ExchangeErrorClass.Permanent, exception.Error.ErrorClass);
        Assert.Equal(0, Simulator.Requests.Count("GetFolder"));
    }

    [Theory]
    [InlineData(AuthenticationProtocol.Negotiate)]
    [InlineData(AuthenticationProtocol.AutoDetect)]
    public async Task Negotiate_and_auto_detect_fall_back_to_what_the_server_offers(AuthenticationProtocol protocol)
    {
        var auth = new ServiceAccountAuthentication(Scenarios.ServiceUser, Scenarios.ServicePassword, protocol);

        var response = await GetInboxAsync(Scenarios.Target(Simulator, authentication: auth));

        Assert.True(response.Folders[0].Succeeded);
    }

    [Fact]
    public async Task Different_ntlm_accounts_never_share_an_authenticated_connection()
    {
        // The limited account may impersonate only Alice. If its requests rode on the connection NTLM had
        // authenticated as the service account, impersonating Bob would wrongly succeed.
        await GetInboxAsync(Scenarios.Target(Simulator, Scenarios.Bob, Scenarios.Ntlm()));

        var exception = await Assert.ThrowsAsync<ExchangeException>(() =>
            GetInboxAsync(Scenarios.Target(Simulator, Scenarios.Bob, Scenarios.Ntlm(Scenarios.LimitedUser, Scenarios.LimitedPassword))));

        Assert.Equal(ExchangeErrorCodes.ImpersonationDenied, exception.Error.Code);
    }

    [Fact]
    public async Task Bearer_tokens_from_the_token_endpoint_are_cached_across_calls()
    {
        var target = Scenarios.Target(Simulator, authentication: Scenarios.OAuth(Simulator));

        await GetInboxAsync(target);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => GetInboxAsync(target)));

        Assert.Equal(9, Simulator.Requests.Count("GetFolder", Scenarios.Alice));
        Assert.Equal(1, Simulator.Requests.TokenRequests);
    }

    [Fact]
    public async Task A_wrong_client_secret_is_a_permanent_oauth_client_failure()
    {
        var target = Scenarios.Target(Simulator, authentication: Scenarios.OAuth(Simulator, secret: "wrong-secret"));

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => GetInboxAsync(target));

        Assert.Equal(ExchangeErrorCodes.OAuthClientAuthenticationFailed, exception.Error.Code);
        Assert.Equal(ExchangeErrorClass.Permanent, exception.Error.ErrorClass);
        Assert.DoesNotContain("wrong-secret", exception.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Simulator.Requests.Count("GetFolder"));
    }

    [Fact]
    public async Task A_profile_with_a_wrong_secret_does_not_borrow_a_token_obtained_with_the_right_one()
    {
        await GetInboxAsync(Scenarios.Target(Simulator, authentication: Scenarios.OAuth(Simulator)));

        var exception = await Assert.ThrowsAsync<ExchangeException>(() =>
            GetInboxAsync(Scenarios.Target(Simulator, authentication: Scenarios.OAuth(Simulator, secret: "wrong-secret"))));

        Assert.Equal(ExchangeErrorCodes.OAuthClientAuthenticationFailed, exception.Error.Code);
    }

    [Fact]
    public async Task An_unknown_tenant_is_a_permanent_token_request_failure()
    {
        var auth = Scenarios.OAuth(Simulator) with { TenantId = "no-such-tenant" };

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => GetInboxAsync(Scenarios.Target(Simulator, authentication: auth)));

        Assert.Equal(ExchangeErrorClass.Permanent, exception.Error.ErrorClass);
        Assert.StartsWith("OAuth", exception.Error.Code, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cached_token_is_renewed_shortly_before_it_expires()
    {
        // The simulator issues tokens valid for an hour; the client renews them TokenRefreshMargin (5 min) early.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = ExchangeClientHarness.Create(timeProvider: time);
        var target = Scenarios.Target(Simulator, authentication: Scenarios.OAuth(Simulator));

        await client.Ews.GetFolderAsync(target, Inbox(), Ct);
        time.Advance(TimeSpan.FromMinutes(54));
        await client.Ews.GetFolderAsync(target, Inbox(), Ct);
        Assert.Equal(1, Simulator.Requests.TokenRequests);

        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await client.Ews.GetFolderAsync(target, Inbox(), Ct);
        Assert.Equal(2, Simulator.Requests.TokenRequests);
    }

    [Fact]
    public async Task A_token_rejected_by_exchange_is_not_reused()
    {
        var target = Scenarios.Target(Simulator, authentication: Scenarios.OAuth(Simulator));
        await GetInboxAsync(target);
        Simulator.State.AddFault(new ScenarioFault { Operation = "GetFolder", Kind = SimulatedFaultKind.Unauthorized, Times = 1 });

        var rejected = await Assert.ThrowsAsync<ExchangeException>(() => GetInboxAsync(target));
        await GetInboxAsync(target);

        Assert.Equal(ExchangeErrorCodes.AuthenticationFailed, rejected.Error.Code);
        Assert.Contains("full_access_as_app", rejected.Error.Remediation, StringComparison.Ordinal);
        Assert.Equal(2, Simulator.Requests.TokenRequests);
    }
}
