namespace TypedSocketIO.AdminUI.Tests;

/// <summary>Bounded polling for conditions that become true on another thread.</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? AdminUIServer.Timeout;
        DateTime deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {limit.TotalSeconds:0.#} s for {what}");
            }

            await Task.Delay(25);
        }
    }
}
