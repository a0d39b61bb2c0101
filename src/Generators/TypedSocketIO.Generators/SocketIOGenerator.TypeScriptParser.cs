using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using TypedSocketIO.Generators.Helpers;
using TypedSocketIO.Generators.Model;

namespace TypedSocketIO.Generators;

public sealed partial class SocketIOGenerator
{
    /// <summary>
    /// Turns the project's contracts (symbols) into a <see cref="TypeScriptDeclarationsSpec"/> (strings): each contract an
    /// events map in the shape of socket.io-client's <c>Socket&lt;ListenEvents, EmitEvents&gt;</c> generics, and each type
    /// its arguments carry a TypeScript interface or alias that follows the System.Text.Json options of the contract's
    /// <c>JsonSerializerContext</c>. A contract with an error is still described as far as it goes: the main generator
    /// reports the error and the build fails on it.
    /// </summary>
    internal sealed class TypeScriptParser
    {
        private const string JsonSourceGenerationOptionsAttribute = "System.Text.Json.Serialization.JsonSourceGenerationOptionsAttribute";
        private const string JsonPropertyNameAttribute = "System.Text.Json.Serialization.JsonPropertyNameAttribute";
        private const string JsonIgnoreAttribute = "System.Text.Json.Serialization.JsonIgnoreAttribute";
        private const string JsonIncludeAttribute = "System.Text.Json.Serialization.JsonIncludeAttribute";
        private const string JsonConverterAttribute = "System.Text.Json.Serialization.JsonConverterAttribute";
        private const string JsonExtensionDataAttribute = "System.Text.Json.Serialization.JsonExtensionDataAttribute";
        private const string JsonStringEnumMemberNameAttribute = "System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute";
        private const string JsonStringEnumConverter = "System.Text.Json.Serialization.JsonStringEnumConverter";
        private const string JsonStringEnumConverterOfT = "System.Text.Json.Serialization.JsonStringEnumConverter`1";
        private const string FlagsAttribute = "System.FlagsAttribute";

        // JsonIgnoreCondition's values.
        private const int IgnoreAlways = 1;
        private const int IgnoreWhenWritingDefault = 2;
        private const int IgnoreWhenWritingNull = 3;

        private readonly KnownTypeSymbols _known;
        private readonly CancellationToken _cancellationToken;
        private readonly Dictionary<string, TypeScriptTypeSpec?> _types = new(StringComparer.Ordinal);
        private readonly List<string> _typeOrder = new();

        private TypeScriptParser(KnownTypeSymbols known, CancellationToken cancellationToken)
        {
            _known = known;
            _cancellationToken = cancellationToken;
        }

        /// <summary>
        /// The declarations of the contracts named by <paramref name="annotatedContracts"/> (metadata names of the
        /// <c>[SocketIOContract]</c> interfaces) and by the compilation's <c>[assembly: SocketIOContractFor]</c> attributes.
        /// </summary>
        public static TypeScriptDeclarationsSpec Parse(
            Compilation compilation, ImmutableArray<string> annotatedContracts, TypeScriptOptionsSpec options, CancellationToken cancellationToken)
        {
            var known = new KnownTypeSymbols(compilation);
            var parser = new TypeScriptParser(known, cancellationToken);

            // (contract, its JSON context), one entry per interface, ordered by name so the output never depends on file order.
            var contracts = new SortedDictionary<string, (INamedTypeSymbol Contract, ITypeSymbol? JsonContext)>(StringComparer.Ordinal);
            foreach (string metadataName in annotatedContracts)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (compilation.Assembly.GetTypeByMetadataName(metadataName) is not { TypeKind: TypeKind.Interface } contract)
                {
                    continue;
                }

                foreach (AttributeData attribute in contract.GetAttributes())
                {
                    if (attribute.AttributeClass.Is(known.ContractAttribute))
                    {
                        contracts[DisplayName(contract)] = (contract, GetJsonContext(attribute));
                    }
                }
            }

            INamedTypeSymbol? contractFor = compilation.GetTypeByMetadataName(KnownTypeSymbols.ContractForAttributeName);
            foreach (AttributeData attribute in compilation.Assembly.GetAttributes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (attribute.AttributeClass.Is(contractFor)
                    && attribute.ConstructorArguments.Length == 1
                    && attribute.ConstructorArguments[0].Value is INamedTypeSymbol { TypeKind: TypeKind.Interface } contract
                    && !contracts.ContainsKey(DisplayName(contract)))
                {
                    contracts[DisplayName(contract)] = (contract, GetJsonContext(attribute));
                }
            }

            ImmutableArray<TypeScriptContractSpec>.Builder specs = ImmutableArray.CreateBuilder<TypeScriptContractSpec>(contracts.Count);
            foreach ((INamedTypeSymbol contract, ITypeSymbol? jsonContext) in contracts.Values)
            {
                specs.Add(parser.ParseContract(contract, jsonContext));
            }

            var unresolved = new List<TypeScriptUnresolvedSpec>();
            string? serverToClient = Resolve(TypeScriptOptionsSpec.ServerToClientProperty, options.ServerToClient, "ServerToClientEvents");
            string? clientToServer = Resolve(TypeScriptOptionsSpec.ClientToServerProperty, options.ClientToServer, "ClientToServerEvents");

            var types = new List<TypeScriptTypeSpec>(parser._typeOrder.Count);
            foreach (string key in parser._typeOrder)
            {
                types.Add(parser._types[key]!);
            }

            return new TypeScriptDeclarationsSpec(
                specs.MoveToImmutable().ToEquatableArray(), types.ToEquatableArray(), serverToClient, clientToServer, unresolved.ToEquatableArray());

            // A contract named in full (Chat.Contracts.IChatClient) or by its simple name when that is unique (IChatClient).
            string? Resolve(string property, string? value, string alias)
            {
                if (value is null)
                {
                    return null;
                }

                string wanted = value.Trim();
                if (wanted.StartsWith("global::", StringComparison.Ordinal))
                {
                    wanted = wanted.Substring("global::".Length);
                }

                if (contracts.ContainsKey(wanted))
                {
                    return wanted;
                }

                string? found = null;
                int matches = 0;
                foreach ((INamedTypeSymbol contract, _) in contracts.Values)
                {
                    if (contract.Name == wanted)
                    {
                        found = DisplayName(contract);
                        matches++;
                    }
                }

                if (matches == 1)
                {
                    return found;
                }

                unresolved.Add(new TypeScriptUnresolvedSpec(property, value, alias));
                return null;
            }
        }

        private static ITypeSymbol? GetJsonContext(AttributeData attribute)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key == "JsonContext" && argument.Value.Value is ITypeSymbol { TypeKind: not TypeKind.Error } context)
                {
                    return context;
                }
            }

            return null;
        }

        private TypeScriptContractSpec ParseContract(INamedTypeSymbol contract, ITypeSymbol? jsonContext)
        {
            JsonShape shape = JsonShape.Read(jsonContext);
            ImmutableArray<TypeScriptEventSpec>.Builder events = ImmutableArray.CreateBuilder<TypeScriptEventSpec>();
            var wireNames = new HashSet<string>(StringComparer.Ordinal);

            var interfaces = new List<INamedTypeSymbol> { contract };
            interfaces.AddRange(contract.AllInterfaces);
            foreach (INamedTypeSymbol type in interfaces)
            {
                foreach (ISymbol member in type.GetMembers())
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false, IsGenericMethod: false } method)
                    {
                        continue;
                    }

                    TypeScriptEventSpec? spec = ParseEvent(method, shape);
                    if (spec is not null && wireNames.Add(spec.WireName))
                    {
                        events.Add(spec);
                    }
                }
            }

            string prefix = EventNaming.ToTypeNamePrefix(contract.Name);
            return new TypeScriptContractSpec(
                DisplayName(contract),
                prefix.EndsWith("Events", StringComparison.Ordinal) ? prefix : prefix + "Events",
                Documentation.Summary(contract, _cancellationToken),
                events.ToImmutable().ToEquatableArray());
        }

        private TypeScriptEventSpec? ParseEvent(IMethodSymbol method, JsonShape shape)
        {
            string wireName = EventNaming.ToCamelCase(method.Name);
            foreach (AttributeData attribute in method.GetAttributes())
            {
                if (attribute.AttributeClass.Is(_known.EventAttribute)
                    && attribute.ConstructorArguments.Length == 1
                    && attribute.ConstructorArguments[0].Value is string { Length: > 0 } name)
                {
                    wireName = name;
                }
            }

            ITypeSymbol? ackType = null;
            bool hasAck = false;
            if (method.ReturnType is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } generic
                && (generic.OriginalDefinition.Is(_known.TaskOfT) || generic.OriginalDefinition.Is(_known.ValueTaskOfT)))
            {
                ackType = generic.TypeArguments[0];
                hasAck = true;
            }

            var usedNames = new HashSet<string>(StringComparer.Ordinal);
            ImmutableArray<TypeScriptValueSpec>.Builder arguments = ImmutableArray.CreateBuilder<TypeScriptValueSpec>();
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (parameter.Type.Is(_known.CancellationToken) || parameter.RefKind != RefKind.None)
                {
                    continue;
                }

                arguments.Add(new TypeScriptValueSpec(UniqueParameterName(parameter.Name, usedNames), MapTopLevel(parameter.Type, shape), IsOptional: false));
            }

            ImmutableArray<TypeScriptValueSpec>.Builder ackValues = ImmutableArray.CreateBuilder<TypeScriptValueSpec>();
            if (ackType is INamedTypeSymbol { Name: "ValueTuple", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } tuple)
            {
                var ackNames = new HashSet<string>(StringComparer.Ordinal);
                ImmutableArray<IFieldSymbol> elements = tuple.IsTupleType ? tuple.TupleElements : ImmutableArray<IFieldSymbol>.Empty;
                for (int i = 0; i < tuple.TypeArguments.Length; i++)
                {
                    ITypeSymbol element = i < elements.Length ? elements[i].Type : tuple.TypeArguments[i];
                    string name = i < elements.Length && elements[i].IsExplicitlyNamedTupleElement
                        ? EventNaming.ToCamelCase(elements[i].Name)
                        : "value" + (i + 1).ToString(CultureInfo.InvariantCulture);
                    ackValues.Add(new TypeScriptValueSpec(UniqueParameterName(name, ackNames), MapTopLevel(element, shape), IsOptional: false));
                }
            }
            else if (ackType is not null)
            {
                ackValues.Add(new TypeScriptValueSpec("result", MapTopLevel(ackType, shape), IsOptional: false));
            }

            return new TypeScriptEventSpec(
                wireName, method.Name, Documentation.Summary(method, _cancellationToken), arguments.ToImmutable().ToEquatableArray(), hasAck, ackValues.ToImmutable().ToEquatableArray());
        }

        /// <summary>A parameter name TypeScript accepts (a reserved word gets a <c>_</c>), unique in its list.</summary>
        private static string UniqueParameterName(string name, HashSet<string> used)
        {
            string candidate = TypeScriptSyntax.IsReservedWord(name) || name == "callback" ? name + "_" : name;
            string unique = candidate;
            for (int i = 2; !used.Add(unique); i++)
            {
                unique = candidate + i.ToString(CultureInfo.InvariantCulture);
            }

            return unique;
        }

        /// <summary>An event argument or acknowledgement value: <c>byte[]</c> and <c>ReadOnlyMemory&lt;byte&gt;</c> travel as binary attachments.</summary>
        private string MapTopLevel(ITypeSymbol type, JsonShape shape)
        {
            ITypeSymbol underlying = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
                ? nullable.TypeArguments[0]
                : type;
            if (IsBinary(underlying))
            {
                return "ArrayBuffer" + (IsNullable(type) ? " | null" : string.Empty);
            }

            return Map(type, shape, stringEnum: false);
        }

        private bool IsBinary(ITypeSymbol type) =>
            type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte }
            || (type is INamedTypeSymbol { IsGenericType: true } generic
                && generic.OriginalDefinition.Is(_known.ReadOnlyMemoryOfT)
                && generic.TypeArguments[0].SpecialType == SpecialType.System_Byte);

        private static bool IsNullable(ITypeSymbol type) =>
            type.NullableAnnotation == NullableAnnotation.Annotated
            || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;

        /// <summary>The TypeScript type of a value System.Text.Json writes for <paramref name="type"/> (inside a DTO, <c>byte[]</c> is base64 text).</summary>
        /// <param name="type">The .NET type, with its nullable annotation.</param>
        /// <param name="shape">The JSON options in force.</param>
        /// <param name="stringEnum">Whether a <c>[JsonConverter(typeof(JsonStringEnumConverter))]</c> on the member makes an enum a string.</param>
        private string Map(ITypeSymbol type, JsonShape shape, bool stringEnum)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullableValue)
            {
                return Map(nullableValue.TypeArguments[0], shape, stringEnum) + " | null";
            }

            if (type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated)
            {
                return Map(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), shape, stringEnum) + " | null";
            }

            switch (type.SpecialType)
            {
                case SpecialType.System_String:
                case SpecialType.System_Char:
                case SpecialType.System_DateTime:
                    return "string";
                case SpecialType.System_Boolean:
                    return "boolean";
                case SpecialType.System_Byte:
                case SpecialType.System_SByte:
                case SpecialType.System_Int16:
                case SpecialType.System_UInt16:
                case SpecialType.System_Int32:
                case SpecialType.System_UInt32:
                case SpecialType.System_Int64:
                case SpecialType.System_UInt64:
                case SpecialType.System_Single:
                case SpecialType.System_Double:
                case SpecialType.System_Decimal:
                    return "number";
                case SpecialType.System_Object:
                    return "unknown";
            }

            string metadataName = MetadataName(type);
            switch (metadataName)
            {
                case "System.Guid":
                case "System.DateTimeOffset":
                case "System.DateOnly":
                case "System.TimeOnly":
                case "System.TimeSpan":
                case "System.Uri":
                case "System.Version":
                    return "string";
                case "System.Half":
                case "System.Int128":
                case "System.UInt128":
                    return "number";
                case "System.Text.Json.JsonElement":
                case "System.Text.Json.JsonDocument":
                case "System.Text.Json.Nodes.JsonNode":
                case "System.Text.Json.Nodes.JsonValue":
                    return "unknown";
                case "System.Text.Json.Nodes.JsonObject":
                    return "Record<string, unknown>";
                case "System.Text.Json.Nodes.JsonArray":
                    return "unknown[]";
            }

            if (type.TypeKind == TypeKind.Enum)
            {
                return Reference(MapEnum((INamedTypeSymbol)type, shape, stringEnum));
            }

            // Inside a JSON document bytes are base64 text; only an event's own arguments travel as binary attachments.
            if (IsBinary(type) || (type is INamedTypeSymbol { IsGenericType: true } memory && MetadataName(memory.OriginalDefinition) == "System.Memory`1"
                && memory.TypeArguments[0].SpecialType == SpecialType.System_Byte))
            {
                return "string";
            }

            if (type is IArrayTypeSymbol array)
            {
                return array.Rank == 1 ? ArrayOf(Map(array.ElementType, shape, stringEnum: false)) : "unknown";
            }

            if (type is not INamedTypeSymbol named || type.TypeKind is TypeKind.Error or TypeKind.Delegate or TypeKind.Pointer or TypeKind.TypeParameter)
            {
                return "unknown";
            }

            INamedTypeSymbol? dictionary = FindGeneric(named, "System.Collections.Generic.IDictionary`2")
                ?? FindGeneric(named, "System.Collections.Generic.IReadOnlyDictionary`2");
            if (dictionary is not null)
            {
                return "Record<string, " + Map(dictionary.TypeArguments[1], shape, stringEnum: false) + ">";
            }

            if (FindGeneric(named, "System.Collections.Generic.IEnumerable`1") is { } enumerable)
            {
                return ArrayOf(Map(enumerable.TypeArguments[0], shape, stringEnum: false));
            }

            if (named.SpecialType == SpecialType.System_Collections_IEnumerable || named.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_Collections_IEnumerable))
            {
                return "unknown[]";
            }

            return Reference(MapObject(named, shape));
        }

        private static string ArrayOf(string element) =>
            element.IndexOf('|') >= 0 ? "(" + element + ")[]" : element + "[]";

        private static string Reference(string key) =>
            TypeScriptDeclarationsSpec.TypeReferenceStart + key + TypeScriptDeclarationsSpec.TypeReferenceEnd;

        /// <summary>The type itself or the first of its interfaces that is a construction of <paramref name="metadataName"/>.</summary>
        private static INamedTypeSymbol? FindGeneric(INamedTypeSymbol type, string metadataName)
        {
            if (type.IsGenericType && MetadataName(type.OriginalDefinition) == metadataName)
            {
                return type;
            }

            foreach (INamedTypeSymbol candidate in type.AllInterfaces)
            {
                if (candidate.IsGenericType && MetadataName(candidate.OriginalDefinition) == metadataName)
                {
                    return candidate;
                }
            }

            return null;
        }

        private string MapEnum(INamedTypeSymbol type, JsonShape shape, bool stringEnum)
        {
            bool asString = stringEnum || shape.StringEnums || HasStringEnumConverter(type.GetAttributes(), type) || shape.StringEnumTypes.Contains(DisplayName(type));
            string key = DisplayName(type) + (asString ? "#string" : "#number");
            if (_types.ContainsKey(key))
            {
                return key;
            }

            bool flags = false;
            foreach (AttributeData attribute in type.GetAttributes())
            {
                flags |= attribute.AttributeClass is not null && MetadataName(attribute.AttributeClass) == FlagsAttribute;
            }

            var members = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (ISymbol member in type.GetMembers())
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (member is not IFieldSymbol { HasConstantValue: true } field)
                {
                    continue;
                }

                string text;
                if (asString)
                {
                    string name = field.Name;
                    foreach (AttributeData attribute in field.GetAttributes())
                    {
                        if (attribute.AttributeClass is not null && MetadataName(attribute.AttributeClass) == JsonStringEnumMemberNameAttribute
                            && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string custom)
                        {
                            name = custom;
                        }
                    }

                    text = TypeScriptSyntax.StringLiteral(name);
                }
                else
                {
                    text = System.Convert.ToString(field.ConstantValue, CultureInfo.InvariantCulture) ?? "0";
                }

                if (seen.Add(text))
                {
                    members.Add(text);
                }
            }

            // Flags combine (numbers, or "A, B" as text); an empty enum still has the value 0.
            string alias = members.Count == 0 ? (asString ? "string" : "number")
                : flags ? (asString ? "string" : "number")
                : string.Join(" | ", members);
            _types[key] = new TypeScriptTypeSpec(key, ReadableName(type), DisplayName(type), alias, EquatableArray<TypeScriptValueSpec>.Empty, HasExtensionData: false)
            {
                Documentation = Documentation.Summary(type, _cancellationToken),
            };
            _typeOrder.Add(key);
            return key;
        }

        private string MapObject(INamedTypeSymbol type, JsonShape shape)
        {
            string key = DisplayName(type) + "#" + shape.Signature;
            if (_types.ContainsKey(key))
            {
                return key;
            }

            // Reserve the key first: a type that refers to itself (a tree) refers to its own name.
            _types[key] = null;
            _typeOrder.Add(key);

            var properties = new List<TypeScriptValueSpec>();
            var seenMembers = new HashSet<string>(StringComparer.Ordinal);
            var seenJsonNames = new HashSet<string>(StringComparer.Ordinal);
            bool extensionData = false;

            // Most derived first, so an override or a 'new' member hides the base one; JSON order is base members first.
            var hierarchy = new List<INamedTypeSymbol>();
            if (type.TypeKind == TypeKind.Interface)
            {
                hierarchy.Add(type);
                hierarchy.AddRange(type.AllInterfaces);
            }
            else
            {
                for (INamedTypeSymbol? current = type; current is not null && current.SpecialType != SpecialType.System_Object && current.SpecialType != SpecialType.System_ValueType; current = current.BaseType)
                {
                    hierarchy.Add(current);
                }
            }

            var perLevel = new List<List<TypeScriptValueSpec>>();
            foreach (INamedTypeSymbol level in hierarchy)
            {
                var levelProperties = new List<TypeScriptValueSpec>();
                perLevel.Add(levelProperties);
                foreach (ISymbol member in level.GetMembers())
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    if (member.IsStatic || !seenMembers.Add(member.Name))
                    {
                        continue;
                    }

                    ITypeSymbol memberType;
                    bool included = HasAttribute(member, JsonIncludeAttribute);
                    switch (member)
                    {
                        case IPropertySymbol { IsIndexer: false } property:
                            bool readable = property.GetMethod is not null && (property.GetMethod.DeclaredAccessibility == Accessibility.Public || included);
                            if (!readable || (property.DeclaredAccessibility != Accessibility.Public && !included))
                            {
                                continue;
                            }

                            if (shape.IgnoreReadOnlyProperties && property.SetMethod is null && !included)
                            {
                                continue;
                            }

                            memberType = property.Type;
                            break;
                        case IFieldSymbol { IsImplicitlyDeclared: false, IsConst: false } field:
                            if (!(included || (shape.IncludeFields && field.DeclaredAccessibility == Accessibility.Public)))
                            {
                                continue;
                            }

                            if (shape.IgnoreReadOnlyFields && field.IsReadOnly && !included)
                            {
                                continue;
                            }

                            memberType = field.Type;
                            break;
                        default:
                            continue;
                    }

                    int ignore = shape.DefaultIgnoreCondition;
                    string jsonName = JsonNaming.Convert(member.Name, shape.NamingPolicy);
                    bool stringEnum = false;
                    foreach (AttributeData attribute in member.GetAttributes())
                    {
                        string? attributeName = attribute.AttributeClass is null ? null : MetadataName(attribute.AttributeClass);
                        if (attributeName == JsonPropertyNameAttribute && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string name)
                        {
                            jsonName = name;
                        }
                        else if (attributeName == JsonIgnoreAttribute)
                        {
                            ignore = IgnoreAlways;
                            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
                            {
                                if (argument.Key == "Condition" && argument.Value.Value is int condition)
                                {
                                    ignore = condition;
                                }
                            }
                        }
                        else if (attributeName == JsonExtensionDataAttribute)
                        {
                            ignore = IgnoreAlways;
                            extensionData = true;
                        }
                    }

                    stringEnum = HasStringEnumConverter(member.GetAttributes(), UnderlyingEnum(memberType));
                    if (ignore == IgnoreAlways || !seenJsonNames.Add(jsonName))
                    {
                        continue;
                    }

                    // Left out when null (a nullable member) or when default (any member, 0 and false included).
                    bool optional = (ignore == IgnoreWhenWritingNull && (IsNullable(memberType) || (memberType.IsReferenceType && memberType.NullableAnnotation == NullableAnnotation.None)))
                        || ignore == IgnoreWhenWritingDefault;
                    levelProperties.Add(new TypeScriptValueSpec(jsonName, Map(memberType, shape, stringEnum), optional)
                    {
                        Documentation = Documentation.Summary(member, _cancellationToken),
                    });
                }
            }

            for (int i = perLevel.Count - 1; i >= 0; i--)
            {
                properties.AddRange(perLevel[i]);
            }

            _types[key] = new TypeScriptTypeSpec(key, ReadableName(type), DisplayName(type), AliasOf: null, properties.ToEquatableArray(), extensionData)
            {
                Documentation = Documentation.Summary(type, _cancellationToken),
            };
            return key;
        }

        private static ITypeSymbol? UnderlyingEnum(ITypeSymbol type)
        {
            ITypeSymbol underlying = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;
            return underlying.TypeKind == TypeKind.Enum ? underlying : null;
        }

        /// <summary>Whether <paramref name="attributes"/> hold a <c>[JsonConverter(typeof(JsonStringEnumConverter))]</c> (or its generic form for <paramref name="enumType"/>).</summary>
        private static bool HasStringEnumConverter(ImmutableArray<AttributeData> attributes, ITypeSymbol? enumType)
        {
            if (enumType is null)
            {
                return false;
            }

            foreach (AttributeData attribute in attributes)
            {
                if (attribute.AttributeClass is not null && MetadataName(attribute.AttributeClass) == JsonConverterAttribute
                    && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is INamedTypeSymbol converter
                    && IsStringEnumConverter(converter))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsStringEnumConverter(INamedTypeSymbol converter)
        {
            string name = MetadataName(converter.OriginalDefinition);
            return name == JsonStringEnumConverter || name == JsonStringEnumConverterOfT;
        }

        private static bool HasAttribute(ISymbol symbol, string metadataName)
        {
            foreach (AttributeData attribute in symbol.GetAttributes())
            {
                if (attribute.AttributeClass is not null && MetadataName(attribute.AttributeClass) == metadataName)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The C# name without <c>global::</c> and without nullable annotations, e.g. <c>Chat.Contracts.Page&lt;Chat.Contracts.ChatMessage&gt;</c>.</summary>
        private static string DisplayName(ITypeSymbol type) =>
            type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat
                .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.ExpandNullable));

        /// <summary>The metadata name of a type, e.g. <c>System.Collections.Generic.IEnumerable`1</c>.</summary>
        private static string MetadataName(ITypeSymbol type)
        {
            var builder = new StringBuilder(type.MetadataName);
            for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                builder.Insert(0, outer.MetadataName + "+");
            }

            for (INamespaceSymbol? ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
            {
                builder.Insert(0, ns.Name + ".");
            }

            return builder.ToString();
        }

        /// <summary>The metadata name of a contract, as <c>Compilation.GetTypeByMetadataName</c> takes it.</summary>
        internal static string ContractMetadataName(INamedTypeSymbol contract) => MetadataName(contract);

        /// <summary>A TypeScript name for the type: its simple name, generic arguments spelled in (<c>PageOfChatMessage</c>), outer types joined by <c>_</c>.</summary>
        private static string ReadableName(INamedTypeSymbol type)
        {
            var builder = new StringBuilder(type.Name);
            if (type.IsGenericType)
            {
                string separator = "Of";
                foreach (ITypeSymbol argument in type.TypeArguments)
                {
                    builder.Append(separator).Append(argument is INamedTypeSymbol named ? ReadableName(named) : argument is IArrayTypeSymbol { ElementType: INamedTypeSymbol element } ? ReadableName(element) + "Array" : "Value");
                    separator = "And";
                }
            }

            for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                builder.Insert(0, outer.Name + "_");
            }

            return builder.ToString();
        }

        /// <summary>The System.Text.Json options of a <c>JsonSerializerContext</c> that change the shape of the JSON, read from its <c>[JsonSourceGenerationOptions]</c>.</summary>
        private sealed class JsonShape
        {
            private JsonShape()
            {
            }

            public int NamingPolicy { get; private set; }

            public int DefaultIgnoreCondition { get; private set; }

            public bool IncludeFields { get; private set; }

            public bool IgnoreReadOnlyProperties { get; private set; }

            public bool IgnoreReadOnlyFields { get; private set; }

            public bool StringEnums { get; private set; }

            public HashSet<string> StringEnumTypes { get; } = new(StringComparer.Ordinal);

            /// <summary>The options that shape an object, as text: part of an object type's key.</summary>
            public string Signature => string.Join(",",
                NamingPolicy.ToString(CultureInfo.InvariantCulture), DefaultIgnoreCondition.ToString(CultureInfo.InvariantCulture),
                IncludeFields ? "f" : "-", IgnoreReadOnlyProperties ? "r" : "-", IgnoreReadOnlyFields ? "rf" : "-",
                StringEnums ? "s" : "-", string.Join("+", StringEnumTypes.OrderBy(static t => t, StringComparer.Ordinal)));

            public static JsonShape Read(ITypeSymbol? context)
            {
                var shape = new JsonShape();
                if (context is null)
                {
                    return shape;
                }

                foreach (AttributeData attribute in context.GetAttributes())
                {
                    if (attribute.AttributeClass is null || MetadataName(attribute.AttributeClass) != JsonSourceGenerationOptionsAttribute)
                    {
                        continue;
                    }

                    // JsonSerializerDefaults.Web (1): camelCase names (the other Web defaults only change reading).
                    if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int defaults && defaults == 1)
                    {
                        shape.NamingPolicy = JsonNaming.CamelCase;
                    }

                    foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
                    {
                        switch (argument.Key)
                        {
                            case "PropertyNamingPolicy" when argument.Value.Value is int policy:
                                shape.NamingPolicy = policy;
                                break;
                            case "DefaultIgnoreCondition" when argument.Value.Value is int condition:
                                shape.DefaultIgnoreCondition = condition;
                                break;
                            case "IncludeFields" when argument.Value.Value is bool include:
                                shape.IncludeFields = include;
                                break;
                            case "IgnoreReadOnlyProperties" when argument.Value.Value is bool ignore:
                                shape.IgnoreReadOnlyProperties = ignore;
                                break;
                            case "IgnoreReadOnlyFields" when argument.Value.Value is bool ignoreFields:
                                shape.IgnoreReadOnlyFields = ignoreFields;
                                break;
                            case "UseStringEnumConverter" when argument.Value.Value is bool strings:
                                shape.StringEnums = strings;
                                break;
                            case "Converters" when argument.Value.Kind == TypedConstantKind.Array:
                                foreach (TypedConstant converter in argument.Value.Values)
                                {
                                    if (converter.Value is INamedTypeSymbol converterType && IsStringEnumConverter(converterType))
                                    {
                                        if (converterType.IsGenericType)
                                        {
                                            shape.StringEnumTypes.Add(DisplayName(converterType.TypeArguments[0]));
                                        }
                                        else
                                        {
                                            shape.StringEnums = true;
                                        }
                                    }
                                }

                                break;
                        }
                    }
                }

                return shape;
            }
        }
    }
}
