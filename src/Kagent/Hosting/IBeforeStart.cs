namespace Kagent.Hosting;

/// <summary>Work that must be done before the endpoints start (a serving certificate to obtain); retried until it succeeds or the process stops.</summary>
public interface IBeforeStart
{
    Task BeforeStartAsync(CancellationToken cancellationToken);
}
