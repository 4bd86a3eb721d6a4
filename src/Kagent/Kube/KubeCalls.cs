using System.Net;
using k8s.Autorest;

namespace Kagent.Kube;

/// <summary>The answers of an API call that mean "not there" or "already there", taken as results, not failures.</summary>
public static class KubeCalls
{
    /// <summary>The object, or null when it does not exist.</summary>
    public static async Task<T?> OrNullIfMissingAsync<T>(Func<Task<T>> read) where T : class
    {
        try
        {
            return await read();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>A delete of something already gone is done.</summary>
    public static async Task IgnoreMissingAsync<T>(Func<Task<T>> delete)
    {
        try
        {
            await delete();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    /// <summary>A create that finds the object already made (by another replica, or a retry) is done.</summary>
    public static async Task IgnoreExistingAsync<T>(Func<Task<T>> create)
    {
        try
        {
            await create();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
        }
    }
}
