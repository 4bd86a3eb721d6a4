using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Kagent.Operator.LeaderElection;

/// <summary>
/// One attempt at a coordination.k8s.io Lease, as client-go's leader election makes it (tryAcquireOrRenew). The
/// holder renews optimistically: it writes back the Lease it last read or wrote with a new renewTime, without reading
/// it first (one request per retry period instead of two); a conflict or any other failure falls back to a read.
/// Another holder's Lease counts as held until leaseDurationSeconds have passed on this replica's clock since it
/// last saw that record change, never by comparing the two replicas' clocks.
/// </summary>
public sealed class LeaseLock(IKubernetes client, OperatorLeaderElectionOptions options, TimeProvider time)
{
    private V1Lease? _observed;
    private DateTimeOffset _observedAt;

    /// <summary>Whether this replica held the Lease after its last attempt.</summary>
    public bool Held => _observed?.Spec?.HolderIdentity == options.Identity;

    /// <summary>True when this replica holds the Lease after the attempt; throws when the API server could not be asked.</summary>
    public async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_observed is { } mine && Held && Valid(now))
        {
            try
            {
                await WriteAsync(Renewed(mine, now, mine.Spec.AcquireTime, mine.Spec.LeaseTransitions), now, cancellationToken);
                return true;
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or TimeoutException)
            {
                // Someone wrote the Lease meanwhile, or the write failed: read it and decide again.
            }
        }

        V1Lease current;
        try
        {
            current = await client.CoordinationV1.ReadNamespacedLeaseAsync(options.LeaseName, options.LeaseNamespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            var created = await client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = options.LeaseName, NamespaceProperty = options.LeaseNamespace },
                Spec = new V1LeaseSpec
                {
                    HolderIdentity = options.Identity,
                    LeaseDurationSeconds = Seconds(options.LeaseDuration),
                    AcquireTime = now.UtcDateTime,
                    RenewTime = now.UtcDateTime,
                    LeaseTransitions = 0,
                },
            }, options.LeaseNamespace, cancellationToken: cancellationToken);
            Observe(created, now);
            return true;
        }

        if (!SameRecord(_observed, current)) Observe(current, now);
        else _observed = current;
        var holder = current.Spec?.HolderIdentity;
        if (!string.IsNullOrEmpty(holder) && holder != options.Identity && Valid(now)) return false;

        var renewed = holder == options.Identity
            ? Renewed(current, now, current.Spec!.AcquireTime, current.Spec.LeaseTransitions)
            : Renewed(current, now, now.UtcDateTime, (current.Spec?.LeaseTransitions ?? 0) + 1);
        await WriteAsync(renewed, now, cancellationToken);
        return true;
    }

    /// <summary>
    /// Gives the Lease up, as client-go's ReleaseOnCancel does: no holder and a one-second duration, so that
    /// another replica takes over at its next attempt instead of after the lease duration. Only a holder releases.
    /// </summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (_observed is not { } mine || !Held) return;
        var now = time.GetUtcNow();
        await WriteAsync(new V1Lease
        {
            Metadata = mine.Metadata,
            Spec = new V1LeaseSpec
            {
                HolderIdentity = null,
                LeaseDurationSeconds = 1,
                AcquireTime = now.UtcDateTime,
                RenewTime = now.UtcDateTime,
                LeaseTransitions = mine.Spec.LeaseTransitions,
            },
        }, now, cancellationToken);
    }

    private async Task WriteAsync(V1Lease lease, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var written = await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, options.LeaseName, options.LeaseNamespace, cancellationToken: cancellationToken);
            Observe(written, now);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            _observed = null;
            throw;
        }
    }

    private V1Lease Renewed(V1Lease lease, DateTimeOffset now, DateTime? acquired, int? transitions) => new()
    {
        Metadata = lease.Metadata,
        Spec = new V1LeaseSpec
        {
            HolderIdentity = options.Identity,
            LeaseDurationSeconds = Seconds(options.LeaseDuration),
            AcquireTime = acquired,
            RenewTime = now.UtcDateTime,
            LeaseTransitions = transitions,
        },
    };

    private void Observe(V1Lease lease, DateTimeOffset now)
    {
        _observed = lease;
        _observedAt = now;
    }

    /// <summary>The observed record has not expired: its duration has not passed since this replica saw it change.</summary>
    private bool Valid(DateTimeOffset now) =>
        _observed?.Spec is { } spec && _observedAt + TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? Seconds(options.LeaseDuration)) > now;

    private static bool SameRecord(V1Lease? a, V1Lease b) =>
        a?.Spec is { } x && b.Spec is { } y
        && x.HolderIdentity == y.HolderIdentity && x.RenewTime == y.RenewTime && x.AcquireTime == y.AcquireTime
        && x.LeaseDurationSeconds == y.LeaseDurationSeconds && x.LeaseTransitions == y.LeaseTransitions;

    private static int Seconds(TimeSpan duration) => Math.Max(1, (int)Math.Ceiling(duration.TotalSeconds));
}
