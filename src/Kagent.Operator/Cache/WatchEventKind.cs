using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Operator.Client;
using Kagent.Operator.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kagent.Operator.Cache;

public enum WatchEventKind
{
    Added,
    Modified,
    Deleted,
}
