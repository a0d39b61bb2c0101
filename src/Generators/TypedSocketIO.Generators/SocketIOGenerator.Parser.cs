using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedSocketIO.Diagnostics;
using TypedSocketIO.Generators.Helpers;
using TypedSocketIO.Generators.Model;

namespace TypedSocketIO.Generators;

public sealed partial class SocketIOGenerator
{
    /// <summary>
    /// Turns a contract interface (symbols) into a <see cref="ContractSpec"/> (strings), collecting the diagnostics
    /// that stop it from being generated. One parser per contract; it holds symbols only while it runs.
    /// </summary>
    internal sealed class Parser
    {
        /// <summary>C# 14, where extension members (used by the generated <c>…SocketIOExtensions</c>) arrived.</summary>
        /// <remarks>Roslyn 4.14, which the generator is built against, has no <c>LanguageVersion.CSharp14</c> member: compare the number.</remarks>
        internal const int MinimumLanguageVersion = 1400;

        /// <summary>Event names the Socket.IO client and server use themselves (socket.io's <c>RESERVED_EVENTS</c>).</summary>
        private static readonly ImmutableHashSet<string> s_reservedEventNames = ImmutableHashSet.Create(
            StringComparer.Ordinal, "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

        private readonly KnownTypeSymbols _known;
        private readonly List<Diagnostic> _diagnostics = new();

        private Parser(KnownTypeSymbols known) => _known = known;

        /// <summary>Parses the interface carrying <c>[SocketIOContract]</c> that <paramref name="context"/> points at.</summary>
        public static ContractParseResult ParseAnnotated(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            Parser parser = new(new KnownTypeSymbols(context.SemanticModel.Compilation));
            var contract = (INamedTypeSymbol)context.TargetSymbol;
            Location location = ((InterfaceDeclarationSyntax)context.TargetNode).Identifier.GetLocation();
            AttributeData attribute = context.Attributes[0];
            ContractSpec? spec = parser.ParseContract(
                contract, attribute, location, context.TargetNode.SyntaxTree.Options, cancellationToken);
            return new ContractParseResult(spec, parser._diagnostics.ToEquatableArray());
        }

        /// <summary>Parses every <c>[assembly: SocketIOContractFor(typeof(…))]</c> of the compilation unit <paramref name="context"/> points at.</summary>
        public static EquatableArray<ContractParseResult> ParseAssemblyAttributes(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var known = new KnownTypeSymbols(context.SemanticModel.Compilation);
            ImmutableArray<ContractParseResult>.Builder results = ImmutableArray.CreateBuilder<ContractParseResult>(context.Attributes.Length);
            foreach (AttributeData attribute in context.Attributes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Parser parser = new(known);
                Location location = attribute.GetFirstArgumentLocation(cancellationToken) ?? context.TargetNode.GetLocation();
                ContractSpec? spec = null;
                if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is INamedTypeSymbol contract)
                {
                    if (contract.TypeKind != TypeKind.Interface)
                    {
                        if (contract.TypeKind != TypeKind.Error)
                        {
                            parser.Report(DiagnosticDescriptors.ContractNotInterface, location, contract.ToDisplayString());
                        }
                    }
                    else if (!parser.HasContractAttribute(contract))
                    {
                        // An interface that carries [SocketIOContract] itself is generated from that attribute.
                        spec = parser.ParseContract(contract, attribute, location, context.TargetNode.SyntaxTree.Options, cancellationToken);
                    }
                }
                else if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is ITypeSymbol other)
                {
                    parser.Report(DiagnosticDescriptors.ContractNotInterface, location, other.ToDisplayString());
                }

                results.Add(new ContractParseResult(spec, parser._diagnostics.ToEquatableArray()));
            }

            return results.MoveToImmutable().ToEquatableArray();
        }

        private bool HasContractAttribute(INamedTypeSymbol contract)
        {
            foreach (AttributeData attribute in contract.GetAttributes())
            {
                if (attribute.AttributeClass.Is(_known.ContractAttribute))
                {
                    return true;
                }
            }

            return false;
        }

        private ContractSpec? ParseContract(
            INamedTypeSymbol contract, AttributeData attribute, Location location, ParseOptions? parseOptions, CancellationToken cancellationToken)
        {
            string contractName = contract.Name;

            if (parseOptions is CSharpParseOptions options && (int)options.LanguageVersion < MinimumLanguageVersion)
            {
                Report(DiagnosticDescriptors.LanguageVersionTooLow, location, contractName, options.LanguageVersion.ToDisplayString());
            }

            if (IsGeneric(contract))
            {
                Report(DiagnosticDescriptors.GenericContract, location, contractName);
            }

            bool isPublic = true;
            for (INamedTypeSymbol? type = contract; type is not null; type = type.ContainingType)
            {
                switch (type.DeclaredAccessibility)
                {
                    case Accessibility.Public:
                        break;
                    case Accessibility.Internal or Accessibility.ProtectedOrInternal
                        when _known.Compilation.IsSymbolAccessibleWithin(type, _known.Compilation.Assembly):
                        isPublic = false;
                        break;
                    default:
                        Report(DiagnosticDescriptors.InaccessibleContract, location, contractName);
                        return null;
                }
            }

            string? jsonContextTypeName = null;
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key == "JsonContext" && argument.Value.Value is ITypeSymbol jsonContext)
                {
                    if (jsonContext.TypeKind == TypeKind.Error)
                    {
                        continue;
                    }

                    if (!jsonContext.DerivesFrom(_known.JsonSerializerContext))
                    {
                        Report(DiagnosticDescriptors.JsonContextNotAContext,
                            attribute.GetNamedArgumentLocation("JsonContext", cancellationToken) ?? location,
                            jsonContext.ToDisplayString(), contractName);
                    }
                    else
                    {
                        jsonContextTypeName = jsonContext.ToFullyQualifiedName();
                    }
                }
            }

            var typeInfos = new TypeInfoTable(this);
            ImmutableArray<EventSpec>.Builder events = ImmutableArray.CreateBuilder<EventSpec>();
            var methodNames = new HashSet<string>(StringComparer.Ordinal);
            var wireNames = new Dictionary<string, string>(StringComparer.Ordinal);

            foreach (INamedTypeSymbol type in GetContractAndBaseInterfaces(contract))
            {
                foreach (ISymbol member in type.GetMembers())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (member.IsStatic || member is INamedTypeSymbol)
                    {
                        continue; // static members and nested types are not events
                    }

                    Location memberLocation = member.GetSourceLocation(location);
                    switch (member)
                    {
                        case IPropertySymbol property:
                            Report(DiagnosticDescriptors.NonMethodMember, memberLocation,
                                contractName, property.IsIndexer ? "indexer" : "property", property.IsIndexer ? "this[]" : property.Name);
                            continue;
                        case IEventSymbol @event:
                            Report(DiagnosticDescriptors.NonMethodMember, memberLocation, contractName, "event", @event.Name);
                            continue;
                        case IMethodSymbol { MethodKind: MethodKind.Ordinary } method:
                            if (!methodNames.Add(method.Name))
                            {
                                Report(DiagnosticDescriptors.OverloadedMethod, memberLocation, contractName, method.Name);
                                continue;
                            }

                            EventSpec? spec = ParseMethod(contractName, method, memberLocation, typeInfos, cancellationToken);
                            if (spec is null)
                            {
                                continue;
                            }

                            if (wireNames.TryGetValue(spec.WireName, out string? firstMethod))
                            {
                                Report(DiagnosticDescriptors.DuplicateEventName, memberLocation, firstMethod, method.Name, contractName, spec.WireName);
                                continue;
                            }

                            wireNames.Add(spec.WireName, method.Name);
                            events.Add(spec);
                            continue;
                        default:
                            continue; // accessors are reported with their property or event
                    }
                }
            }

            if (HasErrors)
            {
                return null;
            }

            string ns = contract.ContainingNamespace is { IsGlobalNamespace: false } containing ? containing.ToDisplayString() : string.Empty;
            string containers = string.Empty;
            for (INamedTypeSymbol? outer = contract.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                containers = outer.Name + "." + containers;
            }

            return new ContractSpec(
                Namespace: ns,
                ContractName: contractName,
                ContractTypeName: contract.ToFullyQualifiedName(),
                TypeNamePrefix: EventNaming.ToTypeNamePrefix(contractName),
                HintNamePrefix: (ns.Length == 0 ? string.Empty : ns + ".") + containers + contractName,
                IsPublic: isPublic,
                JsonContextTypeName: jsonContextTypeName,
                Events: events.ToImmutable().ToEquatableArray(),
                TypeInfos: typeInfos.ToEquatableArray());
        }

        private EventSpec? ParseMethod(string contractName, IMethodSymbol method, Location location, TypeInfoTable typeInfos, CancellationToken cancellationToken)
        {
            string displayName = contractName + "." + method.Name;
            int errors = _errorCount;

            if (method.IsGenericMethod)
            {
                Report(DiagnosticDescriptors.GenericMethod, location, method.Name, contractName);
            }

            (EventReturnKind? returnKind, ITypeSymbol? ackType) = ClassifyReturnType(method.ReturnType);
            if (ackType is not null && !IsSupportedAckType(ackType))
            {
                returnKind = null; // a one-element tuple, a tuple of more than 7 elements (TRest), or a nullable tuple
            }

            if (returnKind is null)
            {
                Location returnLocation = method.DeclaringSyntaxReferences.Length > 0
                    && method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is MethodDeclarationSyntax declaration
                    ? declaration.ReturnType.GetLocation()
                    : location;
                Report(DiagnosticDescriptors.UnsupportedReturnType, returnLocation, displayName, method.ReturnType.ToDisplayString());
            }

            int cancellationTokens = 0;
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                if (parameter.RefKind != RefKind.None)
                {
                    Report(DiagnosticDescriptors.ByRefParameter, parameter.GetSourceLocation(location),
                        parameter.Name, displayName, RefKindText(parameter.RefKind));
                }

                if (parameter.Type.Is(_known.CancellationToken))
                {
                    cancellationTokens++;
                }
            }

            if (cancellationTokens > 1)
            {
                Report(DiagnosticDescriptors.SeveralCancellationTokens, location, displayName);
            }

            string wireName = EventNaming.ToCamelCase(method.Name);
            Location wireNameLocation = location;
            foreach (AttributeData attribute in method.GetAttributes())
            {
                if (!attribute.AttributeClass.Is(_known.EventAttribute))
                {
                    continue;
                }

                wireNameLocation = attribute.GetFirstArgumentLocation(cancellationToken) ?? location;
                if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string { Length: > 0 } name)
                {
                    Report(DiagnosticDescriptors.InvalidEventName, wireNameLocation, displayName);
                    return null;
                }

                wireName = name;
            }

            if (s_reservedEventNames.Contains(wireName))
            {
                Report(DiagnosticDescriptors.ReservedEventName, wireNameLocation, wireName, displayName);
            }

            if (_errorCount != errors || returnKind is not EventReturnKind kind)
            {
                return null;
            }

            ImmutableArray<ParameterSpec>.Builder parameters = ImmutableArray.CreateBuilder<ParameterSpec>(method.Parameters.Length);
            int wireIndex = 0;
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                cancellationToken.ThrowIfCancellationRequested();
                bool isCancellationToken = parameter.Type.Is(_known.CancellationToken);
                ValueSpec value = isCancellationToken
                    ? new ValueSpec(parameter.Type.ToFullyQualifiedName(), IsNullable: false, IsOptional: false, TypeInfoMember: string.Empty)
                    : typeInfos.GetValue(parameter.Type);
                parameters.Add(new ParameterSpec(
                    Name: RoslynExtensions.ToIdentifier(parameter.Name),
                    IsCancellationToken: isCancellationToken,
                    WireIndex: isCancellationToken ? -1 : wireIndex++,
                    Value: value,
                    DefaultValue: parameter.GetDefaultValueText()));
            }

            // A default the emitter cannot repeat would leave a required parameter after an optional one: keep
            // only the trailing run of parameters whose defaults can all be written.
            for (int i = parameters.Count - 1; i >= 0; i--)
            {
                if (parameters[i].DefaultValue is null)
                {
                    for (int j = i - 1; j >= 0; j--)
                    {
                        if (parameters[j].DefaultValue is not null)
                        {
                            parameters[j] = parameters[j] with { DefaultValue = null };
                        }
                    }

                    break;
                }
            }

            return new EventSpec(
                MethodName: method.Name,
                WireName: wireName,
                Parameters: parameters.MoveToImmutable().ToEquatableArray(),
                ReturnKind: kind,
                Ack: ackType is null ? null : ParseAck(ackType, typeInfos));
        }

        /// <summary>
        /// The acknowledgement of a <c>Task&lt;T&gt;</c>: <c>T</c> is one value (argument 0), unless it is a <c>ValueTuple</c>,
        /// whose elements are the arguments in order (<c>(T1, …, T7)</c>), or none at all (the non-generic <c>ValueTuple</c>).
        /// </summary>
        private static AckSpec ParseAck(ITypeSymbol ackType, TypeInfoTable typeInfos)
        {
            if (GetTupleArity(ackType) is not int arity)
            {
                return new AckSpec(ackType.ToFullyQualifiedName(), IsTuple: false, new[] { typeInfos.GetValue(ackType) }.ToEquatableArray());
            }

            var tuple = (INamedTypeSymbol)ackType;
            ImmutableArray<ValueSpec>.Builder values = ImmutableArray.CreateBuilder<ValueSpec>(arity);
            for (int i = 0; i < arity; i++)
            {
                // The element fields carry the elements' nullable annotations; the type arguments do too when written ValueTuple<…>.
                ITypeSymbol element = tuple.IsTupleType ? tuple.TupleElements[i].Type : tuple.TypeArguments[i];
                values.Add(typeInfos.GetValue(element));
            }

            return new AckSpec(ackType.ToFullyQualifiedName(), IsTuple: true, values.MoveToImmutable().ToEquatableArray());
        }

        /// <summary>Whether <paramref name="ackType"/> can be an acknowledgement: any type but a tuple of 1 or more than 7 elements, or a nullable tuple.</summary>
        private static bool IsSupportedAckType(ITypeSymbol ackType)
        {
            if (ackType is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                return GetTupleArity(nullable.TypeArguments[0]) is null && !IsValueTuple(nullable.TypeArguments[0]);
            }

            return !IsValueTuple(ackType) || GetTupleArity(ackType) is not null;
        }

        /// <summary>The number of acknowledgement arguments a <c>ValueTuple</c> stands for (0, or 2 to 7), or <see langword="null"/> for any other type.</summary>
        private static int? GetTupleArity(ITypeSymbol type) =>
            IsValueTuple(type) && type is INamedTypeSymbol { Arity: var arity } && (arity == 0 || (arity >= 2 && arity <= 7)) ? arity : null;

        /// <summary>Whether <paramref name="type"/> is <c>System.ValueTuple</c> or one of its generic forms (<c>(T1, T2)</c> included).</summary>
        private static bool IsValueTuple(ITypeSymbol type) =>
            type is INamedTypeSymbol { Name: "ValueTuple", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

        private (EventReturnKind? Kind, ITypeSymbol? AckType) ClassifyReturnType(ITypeSymbol returnType)
        {
            if (returnType.SpecialType == SpecialType.System_Void)
            {
                return (EventReturnKind.Void, null);
            }

            if (returnType.Is(_known.Task))
            {
                return (EventReturnKind.Task, null);
            }

            if (returnType.Is(_known.ValueTask))
            {
                return (EventReturnKind.ValueTask, null);
            }

            if (returnType is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } generic)
            {
                if (generic.OriginalDefinition.Is(_known.TaskOfT))
                {
                    return (EventReturnKind.TaskOfT, generic.TypeArguments[0]);
                }

                if (generic.OriginalDefinition.Is(_known.ValueTaskOfT))
                {
                    return (EventReturnKind.ValueTaskOfT, generic.TypeArguments[0]);
                }
            }

            return (null, null);
        }

        private static IEnumerable<INamedTypeSymbol> GetContractAndBaseInterfaces(INamedTypeSymbol contract)
        {
            yield return contract;
            foreach (INamedTypeSymbol baseInterface in contract.AllInterfaces)
            {
                yield return baseInterface;
            }
        }

        private static bool IsGeneric(INamedTypeSymbol type)
        {
            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (current.TypeParameters.Length > 0)
                {
                    return true;
                }
            }

            return false;
        }

        private static string RefKindText(RefKind refKind) => refKind switch
        {
            RefKind.Ref => "ref",
            RefKind.Out => "out",
            RefKind.In => "in",
            _ => "ref readonly",
        };

        private int _errorCount;

        private bool HasErrors => _errorCount > 0;

        private void Report(DiagnosticDescriptor descriptor, Location location, params object?[] arguments)
        {
            if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
            {
                _errorCount++;
            }

            _diagnostics.Add(Diagnostic.Create(descriptor, location, arguments));
        }

        /// <summary>The distinct types of a contract's arguments and acknowledgements, each with one metadata member.</summary>
        private sealed class TypeInfoTable
        {
            private readonly Parser _parser;
            private readonly Dictionary<string, TypeInfoSpec> _byTypeName = new(StringComparer.Ordinal);
            private readonly HashSet<string> _memberNames = new(StringComparer.Ordinal);
            private readonly List<TypeInfoSpec> _ordered = new();

            public TypeInfoTable(Parser parser) => _parser = parser;

            public ValueSpec GetValue(ITypeSymbol type)
            {
                string typeInfoName = type.ToTypeInfoName();
                if (!_byTypeName.TryGetValue(typeInfoName, out TypeInfoSpec? spec))
                {
                    string? primitive = _parser.GetPrimitiveName(type);
                    string baseName = (primitive ?? GetReadableName(type)) + "TypeInfo";
                    string memberName = baseName;
                    for (int suffix = 2; !_memberNames.Add(memberName); suffix++)
                    {
                        memberName = baseName + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    spec = new TypeInfoSpec(memberName, typeInfoName, primitive);
                    _byTypeName.Add(typeInfoName, spec);
                    _ordered.Add(spec);
                }

                bool isNullable = type.NullableAnnotation == NullableAnnotation.Annotated;
                bool isOblivious = type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.None;
                return new ValueSpec(type.ToFullyQualifiedName(), isNullable, IsOptional: isNullable || isOblivious, spec.MemberName);
            }

            public EquatableArray<TypeInfoSpec> ToEquatableArray() => _ordered.ToEquatableArray();

            private static string GetReadableName(ITypeSymbol type)
            {
                switch (type)
                {
                    case IArrayTypeSymbol array:
                        return GetReadableName(array.ElementType) + "Array";
                    case INamedTypeSymbol { IsGenericType: true } generic:
                        var name = new System.Text.StringBuilder(generic.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T ? "Nullable" : generic.Name);
                        string separator = generic.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T ? string.Empty : "Of";
                        foreach (ITypeSymbol argument in generic.TypeArguments)
                        {
                            name.Append(separator).Append(GetReadableName(argument));
                            separator = "And";
                        }

                        return name.ToString();
                    default:
                        return type.Name.Length > 0 ? type.Name : "Value";
                }
            }
        }

        /// <summary>The <c>SocketIOPrimitiveTypeInfo</c> member for <paramref name="type"/>, or <see langword="null"/> when it needs a JSON context.</summary>
        private string? GetPrimitiveName(ITypeSymbol type)
        {
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                ITypeSymbol underlying = nullable.TypeArguments[0];
                string? name = GetPrimitiveName(underlying);
                return name is null || name == "ReadOnlyMemoryOfByte" ? null : "Nullable" + name;
            }

            switch (type.SpecialType)
            {
                case SpecialType.System_String: return "String";
                case SpecialType.System_Boolean: return "Boolean";
                case SpecialType.System_Byte: return "Byte";
                case SpecialType.System_SByte: return "SByte";
                case SpecialType.System_Int16: return "Int16";
                case SpecialType.System_UInt16: return "UInt16";
                case SpecialType.System_Int32: return "Int32";
                case SpecialType.System_UInt32: return "UInt32";
                case SpecialType.System_Int64: return "Int64";
                case SpecialType.System_UInt64: return "UInt64";
                case SpecialType.System_Single: return "Single";
                case SpecialType.System_Double: return "Double";
                case SpecialType.System_Decimal: return "Decimal";
                case SpecialType.System_Char: return "Char";
                case SpecialType.System_DateTime: return "DateTime";
            }

            if (type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte })
            {
                return "ByteArray";
            }

            if (type is INamedTypeSymbol { IsGenericType: true } generic
                && generic.OriginalDefinition.Is(_known.ReadOnlyMemoryOfT)
                && generic.TypeArguments[0].SpecialType == SpecialType.System_Byte)
            {
                return "ReadOnlyMemoryOfByte";
            }

            return type.Is(_known.Guid) ? "Guid"
                : type.Is(_known.DateTimeOffset) ? "DateTimeOffset"
                : type.Is(_known.TimeSpan) ? "TimeSpan"
                : type.Is(_known.JsonElement) ? "JsonElement"
                : type.OriginalDefinition.Is(_known.JsonNode) ? "JsonNode"
                : null;
        }
    }
}
