namespace TypedSocketIO.Generators.Model;

/// <summary>The wire shape of one event: what a client built against it sends, receives and acknowledges.</summary>
/// <param name="Contract">The contract's C# name, e.g. <c>Chat.Contracts.IChatServer</c>.</param>
/// <param name="WireName">The event name on the wire, e.g. <c>join</c>.</param>
/// <param name="MethodName">The C# method, which tells a renamed wire name from a removed event.</param>
/// <param name="Arguments">The arguments' JSON shapes, DTOs written out, e.g. <c>({name: string; room: string})</c>.</param>
/// <param name="Ack">The acknowledgement's values in the same form, or <c>-</c> for fire-and-forget.</param>
internal sealed record ContractShapeLineSpec(string Contract, string WireName, string MethodName, string Arguments, string Ack);
