using System.Security.Cryptography.X509Certificates;

namespace Kagent.Hosting;

/// <summary>The certificate the TLS endpoint presents now; asked on every handshake, so it may change at run time.</summary>
public interface IServingCertificate
{
    X509Certificate2 Current { get; }
}
