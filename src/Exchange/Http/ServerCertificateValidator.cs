using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ExSync.Exchange.Http;

/// <summary>Why a server certificate was rejected, kept so the error message can say more than "TLS failed".</summary>
internal sealed record CertificateRejection(
    string Code,
    string Host,
    string Subject,
    string Issuer,
    DateTime NotBefore,
    DateTime NotAfter,
    string Detail,
    long RecordedAtTimestamp);

/// <summary>
/// Validates Exchange server certificates: the system trust store first, then (only for chain errors) a chain built
/// with <see cref="X509ChainTrustMode.CustomRootTrust"/> against the CA the administrator supplied for this
/// connection. A host-name mismatch or a missing certificate is never forgiven, and validity dates are always checked.
/// </summary>
internal sealed class ServerCertificateValidator
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    private readonly X509Certificate2Collection? _trustedRoots;
    private readonly TimeProvider _timeProvider;

    // SslStream only reports "rejected by the validation callback", so the reason is kept here, per host, until the
    // error classifier picks it up for the failed request.
    private readonly ConcurrentDictionary<string, CertificateRejection> _rejections = new(StringComparer.OrdinalIgnoreCase);

    public ServerCertificateValidator(X509Certificate2Collection? trustedRoots, TimeProvider timeProvider)
    {
        _trustedRoots = trustedRoots;
        _timeProvider = timeProvider;
    }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        var host = (sender as SslStream)?.TargetHostName ?? string.Empty;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            Record(host, null, ExchangeErrorCodes.CertificateInvalid, "the server did not present a certificate");
            return false;
        }

        var serverCertificate = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            var names = serverCertificate.GetNameInfo(X509NameType.DnsName, forIssuer: false);
            Record(host, serverCertificate, ExchangeErrorCodes.CertificateNameMismatch,
                $"the certificate is for '{names}' but the connection was made to '{host}'");
            return false;
        }

        // Only chain errors remain. Without a custom CA the system verdict stands; report the most useful reason.
        if (_trustedRoots is null || _trustedRoots.Count == 0)
        {
            RecordChainFailure(host, serverCertificate, chain?.ChainStatus ?? []);
            return false;
        }

        using var customChain = new X509Chain();
        customChain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        customChain.ChainPolicy.CustomTrustStore.AddRange(_trustedRoots);
        customChain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        customChain.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        customChain.ChainPolicy.VerificationTime = _timeProvider.GetLocalNow().DateTime;
        if (chain is not null)
        {
            // Intermediates the server sent (SslStream puts them in ExtraStore) and those the system chain found.
            customChain.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
            foreach (var element in chain.ChainElements)
            {
                customChain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (customChain.Build(serverCertificate))
        {
            return true;
        }

        RecordChainFailure(host, serverCertificate, customChain.ChainStatus);
        return false;
    }

    /// <summary>Returns (and forgets) the recent rejection reason for <paramref name="host"/>, if any.</summary>
    public CertificateRejection? TakeRejection(string host)
    {
        if (!_rejections.TryRemove(host, out var rejection))
        {
            return null;
        }

        // A reason older than any call could be is stale: it belongs to an earlier, already reported failure.
        return _timeProvider.GetElapsedTime(rejection.RecordedAtTimestamp) < TimeSpan.FromMinutes(2) ? rejection : null;
    }

    private void RecordChainFailure(string host, X509Certificate2 certificate, X509ChainStatus[] statuses)
    {
        var flags = statuses.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        const X509ChainStatusFlags TrustProblems = X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain;
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        if (flags.HasFlag(X509ChainStatusFlags.NotTimeValid) && (flags & TrustProblems) == 0)
        {
            var detail = certificate.NotAfter.ToUniversalTime() < now
                ? $"the certificate expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC"
                : $"the certificate is not valid before {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC";
            Record(host, certificate, ExchangeErrorCodes.CertificateInvalid, detail);
            return;
        }

        if ((flags & TrustProblems) != 0 || flags == X509ChainStatusFlags.NoError)
        {
            Record(host, certificate, ExchangeErrorCodes.CertificateUntrusted,
                _trustedRoots is null
                    ? "the certificate does not chain to a root trusted by this server"
                    : "the certificate chains neither to a root trusted by this server nor to the CA configured for the connection");
            return;
        }

        var description = string.Join("; ", statuses.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        Record(host, certificate, ExchangeErrorCodes.CertificateInvalid,
            $"the certificate chain is not valid ({(description.Length > 0 ? description : flags.ToString())})");
    }

    private void Record(string host, X509Certificate2? certificate, string code, string detail)
    {
        _rejections[host] = new CertificateRejection(
            code,
            host,
            certificate?.Subject ?? string.Empty,
            certificate?.Issuer ?? string.Empty,
            certificate?.NotBefore.ToUniversalTime() ?? default,
            certificate?.NotAfter.ToUniversalTime() ?? default,
            detail,
            _timeProvider.GetTimestamp());
    }
}
