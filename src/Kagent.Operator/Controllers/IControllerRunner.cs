namespace Kagent.Operator.Controllers;

/// <summary>Work that runs only while the operator leads: a controller, or a leader service such as a heartbeat.</summary>
public interface IControllerRunner
{
    string Name { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
