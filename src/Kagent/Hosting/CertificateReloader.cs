using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagent.Configuration;

namespace Kagent.Hosting;

/// <summary>
/// A serving certificate read from PEM files and read again when either file changes (checked at most once a
/// second, on handshakes), so rotated certificates take effect without a restart.
/// </summary>
public sealed class CertificateReloader : IServingCertificate
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);
    private readonly string _certificateFile;
    private readonly string _keyFile;
    private readonly ILogger? _logger;
    private readonly object _gate = new();
    private X509Certificate2 _current;
    private (DateTime Certificate, DateTime Key) _stamps;
    private DateTime _lastCheck;

    public CertificateReloader(string certificateFile, string keyFile, ILogger? logger = null)
    {
        _certificateFile = certificateFile;
        _keyFile = keyFile;
        _logger = logger;
        _current = Load(certificateFile, keyFile);
        _stamps = Stamps();
        _lastCheck = DateTime.UtcNow;
    }

    /// <summary>Loads the pair, or throws a ConfigurationException naming the flag.</summary>
    public static X509Certificate2 Load(string certificateFile, string keyFile)
    {
        if (!File.Exists(certificateFile)) throw new ConfigurationException("--tls-cert-file", $"{certificateFile}: no such file");
        if (!File.Exists(keyFile)) throw new ConfigurationException("--tls-private-key-file", $"{keyFile}: no such file");
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            // Re-import so that the key is usable by SslStream on every platform.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException e)
        {
            throw new ConfigurationException("--tls-cert-file", $"{certificateFile} and {keyFile} are not a PEM certificate and its key ({e.Message.ReplaceLineEndings(" ")})");
        }
    }

    public X509Certificate2 Current
    {
        get
        {
            lock (_gate)
            {
                var now = DateTime.UtcNow;
                if (now - _lastCheck < CheckInterval) return _current;
                _lastCheck = now;
                var stamps = Stamps();
                if (stamps == _stamps) return _current;
                try
                {
                    _current = Load(_certificateFile, _keyFile);
                    _stamps = stamps;
                    _logger?.CertificateReloaded(_certificateFile, _current.NotAfter.ToUniversalTime());
                }
                catch (ConfigurationException e)
                {
                    // Half-written files during a rotation: keep serving the previous certificate and try again.
                    _logger?.CertificateNotReloaded(e);
                }

                return _current;
            }
        }
    }

    private (DateTime, DateTime) Stamps() => (File.GetLastWriteTimeUtc(_certificateFile), File.GetLastWriteTimeUtc(_keyFile));
}
