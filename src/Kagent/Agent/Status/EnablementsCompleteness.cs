using System.Text.Json;
using System.Text.Json.Serialization;
using Kagent.Api.Karmada;
using Kagent.Operator.Client;

namespace Kagent.Agent.Status;

public enum EnablementsCompleteness
{
    Complete,
    Partial,
    Empty,
}
