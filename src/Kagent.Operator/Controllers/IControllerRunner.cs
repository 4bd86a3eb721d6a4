using System.Collections.Concurrent;
using System.Net;
using k8s.Autorest;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Kagent.Operator.Diagnostics;
using Kagent.Operator.Entities;
using Kagent.Operator.Queue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kagent.Operator.Controllers;

/// <summary>Work that runs only while the operator leads: a controller, or a leader service such as a heartbeat.</summary>
public interface IControllerRunner
{
    string Name { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
