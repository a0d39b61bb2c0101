using TypedSocketIO.Generators.Helpers;

namespace TypedSocketIO.Generators.Model;

/// <summary>One method of a contract interface: one event on the wire.</summary>
/// <param name="MethodName">C# method name, e.g. <c>SendMessage</c>.</param>
/// <param name="WireName">Event name on the wire, e.g. <c>sendMessage</c>: camelCase of the method name or the <c>[Event]</c> name.</param>
/// <param name="Parameters">The method's parameters in order, the <c>CancellationToken</c> (never sent) included.</param>
/// <param name="ReturnKind">What the method returns, which says whether the event expects an acknowledgement.</param>
/// <param name="Ack">The acknowledgement the event expects (one value, a tuple of values, or none), or <see langword="null"/> for fire-and-forget.</param>
internal sealed record EventSpec(
    string MethodName,
    string WireName,
    EquatableArray<ParameterSpec> Parameters,
    EventReturnKind ReturnKind,
    AckSpec? Ack);
