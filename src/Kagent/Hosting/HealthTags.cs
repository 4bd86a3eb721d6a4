using System.Reflection;
using k8s;
using Kagent.Configuration;
using Kagent.Hosting.Logging;
using Kagent.Kube;
using Kagent.Observability;
using Kagent.Operator.Tls;
using Kagent.Operator.Webhooks;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Console;
using Prometheus;

namespace Kagent.Hosting;

public static class HealthTags
{
    public const string Live = "live";
    public const string Ready = "ready";
}
