using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using Kagent.Aggregation.Health;
using Kagent.Api.Karmada;
using Kagent.Api.V1Alpha1;
using Kagent.Kube;
using Kagent.Operator.Client;

namespace Kagent.Aggregation.Probe;

/// <summary>The probe could not be made; the message says why and when the cluster's agent last reported.</summary>
public sealed class ProbeUnavailableException(string message) : Exception(message);
