using System.Net;

namespace Kagent.Configuration;

/// <summary>A listen address as Kubernetes components write it: ":8080", "127.0.0.1:8080", "[::1]:8080", or "0" to disable.</summary>
public sealed record BindAddress(IPAddress Address, int Port)
{
    public static BindAddress? Disabled => null;

    public static bool TryParse(string text, out BindAddress? value, out string? error)
    {
        value = null;
        error = null;
        text = text.Trim();
        if (text == "0") return true;

        var colon = text.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(text[(colon + 1)..], out var port) || port is < 0 or > 65535)
        {
            error = $"'{text}' is not host:port (for example :8080 or 127.0.0.1:8080), or 0 to disable";
            return false;
        }

        var host = text[..colon].Trim('[', ']');
        IPAddress address;
        if (host.Length == 0)
        {
            address = IPAddress.Any;
        }
        else if (host == "localhost")
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(host, out address!))
        {
            error = $"'{host}' is not an IP address";
            return false;
        }

        value = new BindAddress(address, port);
        return true;
    }

    public override string ToString() => Address.Equals(IPAddress.Any) ? $":{Port}" : $"{Address}:{Port}";
}
