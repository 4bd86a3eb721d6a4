namespace Kagent.Operator.Entities;

public enum EntityScope
{
    Namespaced,
    Cluster,
}
