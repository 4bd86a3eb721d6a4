using k8s.Models;

namespace Kagent.Configuration;

public enum LogFormat
{
    Json,
    Text,
}
