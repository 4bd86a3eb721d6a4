using System.Net;
using System.Text.Json;
using k8s.Autorest;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Kube;
using Kagent.Operator.Client;

namespace Kagent.Onboarding;

public enum ClusterSync
{
    Created,
    Updated,
    Unchanged,

    /// <summary>A Cluster of that name exists and belongs to another cluster; it is left alone.</summary>
    NameTaken,
}
