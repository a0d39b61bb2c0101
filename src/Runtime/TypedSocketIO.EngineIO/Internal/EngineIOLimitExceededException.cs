namespace TypedSocketIO.EngineIO.Internal;

/// <summary>A peer crossed one of the configured limits (message size, fragment count).</summary>
internal sealed class EngineIOLimitExceededException : Exception
{
    public EngineIOLimitExceededException(string message)
        : base(message)
    {
    }
}
