using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace ExSync.ExchangeSimulator;

/// <summary>How an <see cref="ExchangeSimulatorHost"/> listens. The defaults suit in-process tests.</summary>
public sealed class ExchangeSimulatorHostOptions
{
    /// <summary>The address Kestrel binds to; loopback by default.</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>The HTTPS port; 0 picks a free port.</summary>
    public int HttpsPort { get; set; }

    /// <summary>The plain-HTTP port; 0 picks a free port.</summary>
    public int HttpPort { get; set; }

    /// <summary>The SMTP port; 0 picks a free port.</summary>
    public int SmtpPort { get; set; }

    /// <summary>The largest message SMTP accepts (larger ones get 552 5.3.4); 35 MB by default.</summary>
    public long SmtpMaxMessageBytes { get; set; } = SmtpListener.DefaultMaxMessageBytes;

    /// <summary>
    /// The certificate authority (with private key) that issues the server certificate. Null generates a new one.
    /// The standalone simulator passes a persisted one so users paste its PEM only once.
    /// </summary>
    public X509Certificate2? CertificateAuthority { get; set; }

    /// <summary>Configures logging; by default the simulator logs nothing (tests stay quiet).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }

    /// <summary>The clock for item timestamps and token expiry.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
