using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Authenticates EWS and autodiscover requests the way IIS in front of Exchange does: Basic, NTLM and (for Hybrid
/// Modern Auth) Bearer, each only when the scenario enables it, and a 401 carrying every enabled challenge otherwise.
/// <para>
/// NTLM is bound to the TCP connection: the NEGOTIATE/CHALLENGE/AUTHENTICATE handshake state lives in the
/// connection's items. Once a connection has authenticated with NTLM it stays authenticated, so later requests on it
/// need no Authorization header. That is IIS's default for NTLM (authPersistSingleRequest=false; authPersistNonNTLM
/// only concerns Kerberos and other non-NTLM schemes). A request that carries a new Authorization header is
/// authenticated afresh.
/// </para>
/// </summary>
internal sealed class SimulatorAuthenticationMiddleware
{
    private readonly RequestDelegate _next;
    private readonly SimulatorRuntime _runtime;
    private readonly NtlmServer _ntlm;
    private readonly ILogger _logger;

    // Validated Basic headers, so the hot path does not re-check the password on every request.
    private readonly ConcurrentDictionary<string, AuthenticatedCaller> _basicCache = new(StringComparer.Ordinal);

    public SimulatorAuthenticationMiddleware(RequestDelegate next, SimulatorRuntime runtime)
    {
        _next = next;
        _runtime = runtime;
        _ntlm = new NtlmServer(runtime.Accounts, CreateServerIdentity(runtime), runtime.Time);
        _logger = runtime.LoggerFactory.CreateLogger("ExSync.ExchangeSimulator.Authentication");
    }

    private ScenarioAuthentication Schemes => _runtime.Server.Authentication;

    public Task InvokeAsync(HttpContext context)
    {
        if (SimulatorPaths.IsAutodiscoverXml(context.Request.Path))
        {
            AutodiscoverEndpoint.AddEndpointHeaders(context.Response, _runtime);
        }

        if (!SimulatorPaths.RequiresAuthentication(context.Request) || IsDisabledAutodiscoverEndpoint(context.Request))
        {
            return _next(context);
        }

        if (SimulatorPaths.IsAutodiscover(context.Request.Path) && _runtime.Server.Autodiscover.AlwaysUnauthorized)
        {
            return WriteChallengeAsync(context);
        }

        var authorization = context.Request.Headers.Authorization;
        if (StringValues.IsNullOrEmpty(authorization))
        {
            var persisted = ConnectionState(context)?.AuthenticatedCaller;
            return persisted is null ? WriteChallengeAsync(context) : ContinueAsAsync(context, persisted);
        }

        var header = authorization.ToString();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space < 0 ? header : header[..space];
        var credentials = space < 0 ? "" : header[(space + 1)..].Trim();

        if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && Schemes.Basic)
        {
            return AuthenticateBasic(context, credentials);
        }

        if (scheme.Equals("NTLM", StringComparison.OrdinalIgnoreCase) && Schemes.Ntlm)
        {
            return AuthenticateNtlm(context, credentials);
        }

        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && Schemes.Bearer)
        {
            var caller = _runtime.Tokens.Validate(credentials);
            return caller is null ? WriteChallengeAsync(context, bearerError: "invalid_token") : ContinueAsAsync(context, caller);
        }

        // A scheme that is not offered (Negotiate, Digest, a disabled one) is refused like IIS does: a fresh challenge.
        return WriteChallengeAsync(context);
    }

    /// <summary>A switched-off autodiscover endpoint answers 404 without asking for credentials first, as a missing IIS application would.</summary>
    private bool IsDisabledAutodiscoverEndpoint(HttpRequest request)
    {
        var autodiscover = _runtime.Server.Autodiscover;
        return (SimulatorPaths.IsAutodiscoverSoap(request.Path) && !autodiscover.SoapEnabled) ||
               (SimulatorPaths.IsAutodiscoverXml(request.Path) && HttpMethods.IsPost(request.Method) && !autodiscover.PoxEnabled);
    }

    private Task AuthenticateBasic(HttpContext context, string credentials)
    {
        if (_basicCache.TryGetValue(credentials, out var cached))
        {
            return ContinueAsAsync(context, cached);
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(credentials));
        }
        catch (FormatException)
        {
            return WriteChallengeAsync(context);
        }

        var separator = decoded.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0)
        {
            return WriteChallengeAsync(context);
        }

        var account = _runtime.Accounts.FindByLogonName(decoded[..separator]);
        if (account is null || !AccountDirectory.PasswordMatches(account, decoded[(separator + 1)..]))
        {
            SimulatorLog.AuthenticationFailed(_logger, "Basic", decoded[..separator]);
            return WriteChallengeAsync(context);
        }

        var caller = account.CallerFor("Basic");
        _basicCache.TryAdd(credentials, caller);
        return ContinueAsAsync(context, caller);
    }

    private Task AuthenticateNtlm(HttpContext context, string credentials)
    {
        var state = ConnectionState(context, create: true);
        byte[] message;
        try
        {
            message = Convert.FromBase64String(credentials);
        }
        catch (FormatException)
        {
            return WriteChallengeAsync(context);
        }

        switch (NtlmMessages.ReadMessageType(message))
        {
            case NtlmMessages.NegotiateType when state is not null:
                var challenge = _ntlm.CreateChallenge(state, message);
                return WriteUnauthorizedAsync(context, ["NTLM " + Convert.ToBase64String(challenge)]);

            case NtlmMessages.AuthenticateType when state is not null:
                var account = _ntlm.Authenticate(state, message);
                if (account is null)
                {
                    SimulatorLog.AuthenticationFailed(_logger, "NTLM", NtlmMessages.DescribeUser(message, state.NegotiatedFlags));
                    return WriteChallengeAsync(context);
                }

                var caller = account.CallerFor("NTLM");
                state.AuthenticatedCaller = caller;
                return ContinueAsAsync(context, caller);

            default:
                return WriteChallengeAsync(context);
        }
    }

    private async Task ContinueAsAsync(HttpContext context, AuthenticatedCaller caller)
    {
        context.Features.Set(caller);
        using var inFlight = _runtime.Requests.TrackRequestOf(caller.Name);
        context.Features.Get<InFlightRequestFeature>()?.Add(inFlight);
        await _next(context).ConfigureAwait(false);
    }

    private Task WriteChallengeAsync(HttpContext context, string? bearerError = null) =>
        AuthenticationChallenges.WriteAsync(context, _runtime, bearerError);

    private Task WriteUnauthorizedAsync(HttpContext context, IReadOnlyList<string> challenges) =>
        AuthenticationChallenges.WriteUnauthorizedAsync(context, _runtime, challenges);

    private static NtlmConnectionState? ConnectionState(HttpContext context, bool create = false)
    {
        // Kestrel offers per-connection items; the NTLM handshake must survive from one request to the next on them.
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is null)
        {
            return null;
        }

        if (items.TryGetValue(typeof(NtlmConnectionState), out var existing))
        {
            return (NtlmConnectionState?)existing;
        }

        if (!create)
        {
            return null;
        }

        var state = new NtlmConnectionState();
        items[typeof(NtlmConnectionState)] = state;
        return state;
    }

    private static NtlmServerIdentity CreateServerIdentity(SimulatorRuntime runtime)
    {
        var netBiosDomain = (runtime.Accounts.FirstDomain ?? "SIMULATOR").ToUpperInvariant();
        var dnsDomain = runtime.Scenario.Mailboxes.Select(mailbox => mailbox.SmtpAddress.Split('@').Last()).FirstOrDefault() ?? "simulator.invalid";
        return new NtlmServerIdentity(netBiosDomain, "EXSIM01", dnsDomain, $"exsim01.{dnsDomain}");
    }
}
