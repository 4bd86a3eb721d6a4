using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using k8s.Autorest;
using Kagent.Api.Karmada;
using Kagent.Configuration;
using Kagent.Kube;
using Kagent.Operator.Client;

namespace Kagent.Agent.Works;

public enum ApplyOutcome
{
    Created,
    Updated,
    Unchanged,
    Failed,
}
