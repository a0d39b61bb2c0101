namespace TypedSocketIO;

/// <summary>
/// Marks an interface as a Socket.IO contract: each method is an event. The source generator turns it into a typed emitter
/// (<c>socket.Emit.Method(…)</c>), typed listeners (<c>socket.On.Method(…)</c>) and a dispatcher for handler classes.
/// </summary>
/// <remarks>
/// The wire name of an event is the camelCase method name unless <see cref="EventAttribute"/> says otherwise. A method returning
/// <c>void</c>, <see cref="Task"/> or <see cref="ValueTask"/> is fire-and-forget; one returning <see cref="Task{TResult}"/> or
/// <see cref="ValueTask{TResult}"/> expects an acknowledgement whose first argument is the result.
/// </remarks>
[AttributeUsage(AttributeTargets.Interface, Inherited = false, AllowMultiple = false)]
public sealed class SocketIOContractAttribute : Attribute
{
    /// <summary>
    /// The <c>JsonSerializerContext</c> that covers the contract's non-primitive argument and result types. Primitive types
    /// (strings, numbers, booleans, <see cref="Guid"/>, dates, <c>byte[]</c>, <see cref="System.Text.Json.JsonElement"/>…) need none.
    /// </summary>
    public Type? JsonContext { get; set; }
}
