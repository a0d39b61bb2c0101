namespace TypedSocketIO;

/// <summary>
/// Declares an interface the user cannot annotate (for example one from another library) as a Socket.IO contract, as
/// <c>[JsonSerializable(typeof(T))]</c> does for System.Text.Json: <c>[assembly: SocketIOContractFor(typeof(IChatClient))]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class SocketIOContractForAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="contractType">The contract interface.</param>
    public SocketIOContractForAttribute(Type contractType)
    {
        ContractType = contractType;
    }

    /// <summary>The contract interface.</summary>
    public Type ContractType { get; }

    /// <inheritdoc cref="SocketIOContractAttribute.JsonContext"/>
    public Type? JsonContext { get; set; }
}
