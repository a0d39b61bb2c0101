// Compiled into both TypedSocketIO.Generators and TypedSocketIO.Analyzers (linked source), so that every
// diagnostic of TypedSocketIO is declared here, once, with a stable ID.
//
// ID ranges (never reuse an ID):
//   TSIO0001–TSIO0099  contract shape: reported by the generator, the contract is not generated
//   TSIO0100–TSIO0199  serialization coverage: a contract type the JsonSerializerContext does not cover
//   TSIO0200–TSIO0299  handler classes and usage
//   TSIO0300–TSIO0399  TypeScript declarations and versions of the contracts
using Microsoft.CodeAnalysis;

namespace TypedSocketIO.Diagnostics;

internal static class DiagnosticDescriptors
{
    private const string ContractCategory = "TypedSocketIO.Contract";
    private const string SerializationCategory = "TypedSocketIO.Serialization";
    private const string UsageCategory = "TypedSocketIO.Usage";
    private const string TypeScriptCategory = "TypedSocketIO.TypeScript";
    private const string VersionsCategory = "TypedSocketIO.Versions";

    public const string DuplicateEventNameId = "TSIO0001";
    public const string ReservedEventNameId = "TSIO0002";
    public const string OverloadedMethodId = "TSIO0003";
    public const string GenericMethodId = "TSIO0004";
    public const string ByRefParameterId = "TSIO0005";
    public const string NonMethodMemberId = "TSIO0006";
    public const string UnsupportedReturnTypeId = "TSIO0007";
    public const string ContractNotInterfaceId = "TSIO0008";
    public const string InvalidEventNameId = "TSIO0009";
    public const string LanguageVersionTooLowId = "TSIO0010";
    public const string JsonContextNotAContextId = "TSIO0011";
    public const string GenericContractId = "TSIO0012";
    public const string InaccessibleContractId = "TSIO0013";
    public const string SeveralCancellationTokensId = "TSIO0014";
    public const string TypeNotInJsonContextId = "TSIO0100";
    public const string MissingJsonContextId = "TSIO0101";
    public const string HandlerImplementsNoContractId = "TSIO0200";
    public const string HandlerSendContractNotAContractId = "TSIO0201";
    public const string TypeScriptContractNotFoundId = "TSIO0300";
    public const string ContractEventRemovedId = "TSIO0301";
    public const string ContractEventRenamedId = "TSIO0302";
    public const string ContractArgumentsChangedId = "TSIO0303";
    public const string ContractAckChangedId = "TSIO0304";
    public const string ContractBaselineMissingId = "TSIO0305";

    /// <summary>"Methods '{0}' and '{1}' of contract '{2}' both map to the event name '{3}'".</summary>
    public static readonly DiagnosticDescriptor DuplicateEventName = Error(DuplicateEventNameId,
        "Two methods map to one event name",
        "Methods '{0}' and '{1}' of contract '{2}' both map to the event name '{3}'; give one of them another [Event] name");

    /// <summary>"The event name '{0}' of '{1}' is reserved by Socket.IO".</summary>
    public static readonly DiagnosticDescriptor ReservedEventName = Error(ReservedEventNameId,
        "Reserved event name",
        "The event name '{0}' of '{1}' is reserved by Socket.IO (connect, connect_error, disconnect, disconnecting, newListener, removeListener); rename the method or use [Event]");

    /// <summary>"Contract '{0}' declares several methods named '{1}'".</summary>
    public static readonly DiagnosticDescriptor OverloadedMethod = Error(OverloadedMethodId,
        "Overloaded contract method",
        "Contract '{0}' declares several methods named '{1}'; each event is one method with one name");

    /// <summary>"Method '{0}' of contract '{1}' is generic".</summary>
    public static readonly DiagnosticDescriptor GenericMethod = Error(GenericMethodId,
        "Generic contract method",
        "Method '{0}' of contract '{1}' is generic; event arguments need concrete types");

    /// <summary>"Parameter '{0}' of '{1}' is passed by reference ('{2}')".</summary>
    public static readonly DiagnosticDescriptor ByRefParameter = Error(ByRefParameterId,
        "ref, out or in parameter on a contract method",
        "Parameter '{0}' of '{1}' is passed by reference ('{2}'); event arguments are values sent over the network");

    /// <summary>"Contract '{0}' declares the {1} '{2}'; a contract declares only methods".</summary>
    public static readonly DiagnosticDescriptor NonMethodMember = Error(NonMethodMemberId,
        "Property or event on a contract",
        "Contract '{0}' declares the {1} '{2}'; a contract declares only methods, one per event");

    /// <summary>"'{0}' returns '{1}'; an event returns void, Task or ValueTask, or Task&lt;T&gt;/ValueTask&lt;T&gt; to expect an acknowledgement: T is its value, a tuple (T1, …, T7) its 2 to 7 values, ValueTuple none".</summary>
    public static readonly DiagnosticDescriptor UnsupportedReturnType = Error(UnsupportedReturnTypeId,
        "Unsupported return type",
        "'{0}' returns '{1}'; an event returns void, Task or ValueTask, or Task<T>/ValueTask<T> to expect an acknowledgement: T is its value, a tuple (T1, …, T7) its 2 to 7 values, ValueTuple none");

    /// <summary>"'{0}' named by [assembly: SocketIOContractFor] is not an interface".</summary>
    public static readonly DiagnosticDescriptor ContractNotInterface = Error(ContractNotInterfaceId,
        "Contract is not an interface",
        "'{0}' named by [assembly: SocketIOContractFor] is not an interface");

    /// <summary>"The [Event] name of '{0}' is empty".</summary>
    public static readonly DiagnosticDescriptor InvalidEventName = Error(InvalidEventNameId,
        "Invalid event name",
        "The [Event] name of '{0}' is empty or null");

    /// <summary>"TypedSocketIO generates C# 14 extension members; this project uses C# {0}".</summary>
    public static readonly DiagnosticDescriptor LanguageVersionTooLow = Error(LanguageVersionTooLowId,
        "C# 14 or later is required",
        "TypedSocketIO generates C# 14 extension members for '{0}'; this project uses C# {1}: set <LangVersion>14</LangVersion> or later");

    /// <summary>"JsonContext '{0}' of contract '{1}' does not derive from JsonSerializerContext".</summary>
    public static readonly DiagnosticDescriptor JsonContextNotAContext = Error(JsonContextNotAContextId,
        "JsonContext is not a JsonSerializerContext",
        "JsonContext '{0}' of contract '{1}' does not derive from System.Text.Json.Serialization.JsonSerializerContext");

    /// <summary>"Contract '{0}' is generic".</summary>
    public static readonly DiagnosticDescriptor GenericContract = Error(GenericContractId,
        "Generic contract",
        "Contract '{0}' is generic; a contract names concrete types");

    /// <summary>"Contract '{0}' is not accessible from its namespace".</summary>
    public static readonly DiagnosticDescriptor InaccessibleContract = Error(InaccessibleContractId,
        "Inaccessible contract",
        "Contract '{0}' is not accessible from its namespace; make it public or internal and not nested in a private type");

    /// <summary>"'{0}' takes more than one CancellationToken".</summary>
    public static readonly DiagnosticDescriptor SeveralCancellationTokens = Error(SeveralCancellationTokensId,
        "Several CancellationToken parameters",
        "'{0}' takes more than one CancellationToken; at most one, which is not sent");

    /// <summary>"'{0}', used by '{1}', is not in the JSON context '{2}'".</summary>
    public static readonly DiagnosticDescriptor TypeNotInJsonContext = Warning(TypeNotInJsonContextId, SerializationCategory,
        "Contract type not covered by the JSON context",
        "'{0}', used by '{1}', is not in the JSON context '{2}': add [JsonSerializable(typeof({0}))] to it, or sending or receiving it fails at run time");

    /// <summary>"Contract '{0}' uses '{1}', which needs a JsonSerializerContext".</summary>
    public static readonly DiagnosticDescriptor MissingJsonContext = Warning(MissingJsonContextId, SerializationCategory,
        "Contract needs a JSON context",
        "Contract '{0}' uses '{1}', which needs a JsonSerializerContext: write one with [JsonSerializable(typeof({1}))] and name it in [SocketIOContract(JsonContext = typeof(…))]");

    /// <summary>"'{0}' derives from SocketHandler but implements no [SocketIOContract] interface".</summary>
    public static readonly DiagnosticDescriptor HandlerImplementsNoContract = Warning(HandlerImplementsNoContractId, UsageCategory,
        "Handler class implements no contract",
        "'{0}' derives from SocketHandler<{1}> but implements no [SocketIOContract] interface, so no event can reach it");

    /// <summary>"'{0}' derives from SocketHandler&lt;{1}&gt;, and '{1}' is not a [SocketIOContract] interface".</summary>
    public static readonly DiagnosticDescriptor HandlerSendContractNotAContract = Warning(HandlerSendContractNotAContractId, UsageCategory,
        "Handler's send contract is not a contract",
        "'{0}' derives from SocketHandler<{1}>, and '{1}' is not a [SocketIOContract] interface, so nothing typed can be emitted to it");

    /// <summary>"The MSBuild property '{0}' names '{1}', which is not a Socket.IO contract of this project".</summary>
    public static readonly DiagnosticDescriptor TypeScriptContractNotFound = Warning(TypeScriptContractNotFoundId, TypeScriptCategory,
        "TypeScript events pair names no contract",
        "The MSBuild property '{0}' names '{1}', which is not a Socket.IO contract of this project (or its simple name is not unique); the TypeScript declarations have no '{2}' type: give the contract's full name, e.g. Chat.Contracts.IChatClient");

    /// <summary>"Event '{1}' of contract '{0}' is in the contract baseline but no longer in the contract".</summary>
    public static readonly DiagnosticDescriptor ContractEventRemoved = Warning(ContractEventRemovedId, VersionsCategory,
        "Event removed since the contract baseline",
        "Event '{1}' of contract '{0}' is in the contract baseline but no longer in the contract: clients built against the baseline still send or listen for it");

    /// <summary>"Method '{1}' of contract '{0}' was the event '{2}' in the contract baseline and is now '{3}'".</summary>
    public static readonly DiagnosticDescriptor ContractEventRenamed = Warning(ContractEventRenamedId, VersionsCategory,
        "Event wire name changed since the contract baseline",
        "Method '{1}' of contract '{0}' was the event '{2}' in the contract baseline and is now '{3}': clients built against the baseline use the old name; keep it with [Event(\"{2}\")]");

    /// <summary>"The arguments of event '{1}' of contract '{0}' changed from {2} to {3} since the contract baseline".</summary>
    public static readonly DiagnosticDescriptor ContractArgumentsChanged = Warning(ContractArgumentsChangedId, VersionsCategory,
        "Event arguments changed since the contract baseline",
        "The arguments of event '{1}' of contract '{0}' changed from {2} to {3} since the contract baseline: clients built against the baseline send or expect the old ones");

    /// <summary>"The acknowledgement of event '{1}' of contract '{0}' changed from {2} to {3} since the contract baseline".</summary>
    public static readonly DiagnosticDescriptor ContractAckChanged = Warning(ContractAckChangedId, VersionsCategory,
        "Event acknowledgement changed since the contract baseline",
        "The acknowledgement of event '{1}' of contract '{0}' changed from {2} to {3} since the contract baseline: clients built against the baseline send or expect the old one");

    /// <summary>"TypedSocketIOContractBaseline names a file that does not exist".</summary>
    public static readonly DiagnosticDescriptor ContractBaselineMissing = Warning(ContractBaselineMissingId, VersionsCategory,
        "Contract baseline missing",
        "TypedSocketIOContractBaseline names a file that does not exist, so the contracts are not compared with a previous version: write it with 'dotnet build -p:TypedSocketIOContractBaselineUpdate=true'");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, ContractCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    private static DiagnosticDescriptor Warning(string id, string category, string title, string message) =>
        new(id, title, message, category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    private static string HelpLink(string id) => $"docs/diagnostics/{id}.md";
}
