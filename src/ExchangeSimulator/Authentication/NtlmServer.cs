using System.Security.Cryptography;
using System.Text;

namespace ExSync.ExchangeSimulator;

/// <summary>The NTLM handshake state of one TCP connection.</summary>
internal sealed class NtlmConnectionState
{
    public byte[]? PendingServerChallenge { get; set; }

    public NtlmFlags NegotiatedFlags { get; set; }

    /// <summary>Set once the connection has authenticated; later requests on it need no Authorization header.</summary>
    public AuthenticatedCaller? AuthenticatedCaller { get; set; }
}

/// <summary>
/// Server side of NTLM (MS-NLMP §3.2.5/§3.3.2), verifying NTLMv2 responses against the scenario's passwords.
/// NTLMv1 and anonymous logons are refused. The MIC and the session key are not checked: they need RC4, which
/// .NET does not offer, and the NTProofStr alone proves the client knows the password.
/// </summary>
internal sealed class NtlmServer(AccountDirectory accounts, NtlmServerIdentity identity, TimeProvider time)
{
    private const int NtProofLength = 16;

    // An NTLMv2 response is NTProofStr (16) + a blob of at least 28 bytes; a 24-byte response is NTLMv1.
    private const int MinimumNtlmV2ResponseLength = NtProofLength + 28;

    public byte[] CreateChallenge(NtlmConnectionState state, ReadOnlySpan<byte> negotiateMessage)
    {
        var flags = NtlmMessages.ChooseChallengeFlags(NtlmMessages.ReadNegotiateFlags(negotiateMessage));
        var serverChallenge = RandomNumberGenerator.GetBytes(8);
        state.PendingServerChallenge = serverChallenge;
        state.NegotiatedFlags = flags;
        state.AuthenticatedCaller = null;
        return NtlmMessages.WriteChallenge(flags, serverChallenge, identity, time.GetUtcNow());
    }

    /// <summary>Verifies an AUTHENTICATE message against the connection's pending challenge; null on failure.</summary>
    public SimulatedAccount? Authenticate(NtlmConnectionState state, ReadOnlySpan<byte> authenticateMessage)
    {
        var serverChallenge = state.PendingServerChallenge;

        // A challenge is good for one attempt only.
        state.PendingServerChallenge = null;
        if (serverChallenge is null ||
            !NtlmMessages.TryReadAuthenticate(authenticateMessage, (state.NegotiatedFlags & NtlmFlags.NegotiateUnicode) != 0, out var message) ||
            message!.NtChallengeResponse.Length < MinimumNtlmV2ResponseLength)
        {
            return null;
        }

        var response = message.NtChallengeResponse.AsSpan();
        var blob = response[NtProofLength..];

        // The blob starts with RespType = HiRespType = 1 (NTLMv2 client challenge structure, §2.2.2.7).
        if (blob[0] != 1 || blob[1] != 1)
        {
            return null;
        }

        var account = accounts.FindByDomainAndUser(message.DomainName, message.UserName);
        if (account is null)
        {
            return null;
        }

        // NTOWFv2 = HMAC_MD5(NT hash, UTF-16LE(UPPER(user) + domain)); only the user name is upper-cased.
        Span<byte> responseKey = stackalloc byte[HMACMD5.HashSizeInBytes];
        HMACMD5.HashData(account.NtHash, Encoding.Unicode.GetBytes(message.UserName.ToUpperInvariant() + message.DomainName), responseKey);

        var proofInput = new byte[serverChallenge.Length + blob.Length];
        serverChallenge.CopyTo(proofInput, 0);
        blob.CopyTo(proofInput.AsSpan(serverChallenge.Length));
        Span<byte> expectedProof = stackalloc byte[HMACMD5.HashSizeInBytes];
        HMACMD5.HashData(responseKey, proofInput, expectedProof);

        return CryptographicOperations.FixedTimeEquals(expectedProof, response[..NtProofLength]) ? account : null;
    }
}
