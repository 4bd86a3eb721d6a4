namespace Kagent.Configuration;

public enum LogFormat
{
    Json,
    Text,
}
