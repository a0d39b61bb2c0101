namespace TypedSocketIO.Generators.Model;

/// <summary>The return type of a contract method.</summary>
internal enum EventReturnKind
{
    /// <summary><c>void</c>: fire-and-forget.</summary>
    Void,

    /// <summary><c>Task</c>: fire-and-forget, the handler may be asynchronous.</summary>
    Task,

    /// <summary><c>ValueTask</c>: fire-and-forget, the handler may be asynchronous.</summary>
    ValueTask,

    /// <summary><c>Task&lt;T&gt;</c>: the event expects an acknowledgement carrying a <c>T</c>, a tuple's elements, or nothing (<c>ValueTuple</c>).</summary>
    TaskOfT,

    /// <summary><c>ValueTask&lt;T&gt;</c>: the event expects an acknowledgement carrying a <c>T</c>, a tuple's elements, or nothing (<c>ValueTuple</c>).</summary>
    ValueTaskOfT,
}
