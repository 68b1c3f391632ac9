using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace ExSync.ExchangeSimulator;

/// <summary>The 401 responses of the simulated IIS: one WWW-Authenticate header per enabled scheme.</summary>
internal static class AuthenticationChallenges
{
    private const string UnauthorizedBody = "<html><body><h1>401 - Unauthorized: Access is denied due to invalid credentials.</h1></body></html>";

    /// <summary>A 401 offering every enabled scheme (the challenge a client starts from, or gets after bad credentials).</summary>
    public static Task WriteAsync(HttpContext context, SimulatorRuntime runtime, string? bearerError = null)
    {
        var schemes = runtime.Server.Authentication;
        var challenges = new List<string>(3);

        // Only NTLM, never Negotiate: a client offered Negotiate would wrap NTLM in SPNEGO, which the simulator does not speak.
        if (schemes.Ntlm)
        {
            challenges.Add("NTLM");
        }

        if (schemes.Basic)
        {
            challenges.Add($"Basic realm=\"{context.Request.Host.Host}\"");
        }

        if (schemes.Bearer)
        {
            // Exchange's own application id and the token types it accepts, as an on-premises HMA server announces them.
            var error = bearerError is null ? "" : $", error=\"{bearerError}\"";
            challenges.Add($"Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\", token_types=\"app_asserted_user_v1 service_asserted_app_v1\"{error}");
        }

        return WriteUnauthorizedAsync(context, runtime, challenges);
    }

    public static Task WriteUnauthorizedAsync(HttpContext context, SimulatorRuntime runtime, IReadOnlyList<string> challenges)
    {
        runtime.Requests.RecordChallenge();
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = new StringValues([.. challenges]);
        context.Response.ContentType = "text/html";
        context.Response.ContentLength = UnauthorizedBody.Length;
        return context.Response.WriteAsync(UnauthorizedBody);
    }
}
