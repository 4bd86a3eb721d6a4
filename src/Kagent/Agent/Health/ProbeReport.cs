using Kagent.Api.V1Alpha1;
using Kagent.Operator.Client;

namespace Kagent.Agent.Health;

/// <summary>
/// The agent's last probe of its member's API server (each endpoint it read, with status, timing and, when it read
/// the verbose answer, the named checks), as JSON for the heartbeat Lease's annotation kagent.io/last-probe: the
/// hub answers clusterhealths/&lt;name&gt;/probe from it for a Pull cluster it cannot reach itself.
/// </summary>
public sealed class ProbeReport
{
    private volatile string? _json;

    /// <summary>The last probe as the annotation's value; null before the first probe.</summary>
    public string? Json => _json;

    public void Record(DateTime probeTime, IList<ProbedEndpoint> endpoints) =>
        _json = KubeJson.Serialize(new ReportedProbe { ProbeTime = probeTime, Endpoints = endpoints });
}
