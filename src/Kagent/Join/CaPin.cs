using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kagent.Join;

/// <summary>
/// A CA pin as kubeadm and karmadactl print it: "sha256:" and the lower-case hex SHA-256 of the certificate's DER
/// SubjectPublicKeyInfo (the key, not the whole certificate, so a CA re-issued with the same key keeps its pin).
/// </summary>
public static class CaPin
{
    public const string Prefix = "sha256:";

    public static string For(X509Certificate2 certificate) =>
        Prefix + Convert.ToHexString(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo())).ToLowerInvariant();

    /// <summary>Reads "sha256:&lt;64 hex digits&gt;" (the format name in any case), as kubeadm's parser does.</summary>
    public static bool TryParse(string text, out string pin)
    {
        pin = "";
        var parts = text.Trim().Split(':', 2);
        if (parts.Length != 2 || !parts[0].Equals("sha256", StringComparison.OrdinalIgnoreCase) || parts[1].Length != 64) return false;
        try
        {
            pin = Prefix + Convert.ToHexString(Convert.FromHexString(parts[1])).ToLowerInvariant();
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
