namespace Kagent.Aggregation.Probe;

/// <summary>The probe could not be made; the message says why and when the cluster's agent last reported.</summary>
public sealed class ProbeUnavailableException(string message) : Exception(message);
