using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading;
using TypedSocketIO.Generators.Helpers;
using TypedSocketIO.Generators.Model;

namespace TypedSocketIO.Generators;

public sealed partial class SocketIOGenerator
{
    /// <summary>
    /// Writes the source of one contract from its model. Generated code only types: it maps methods to wire names
    /// and arguments to <c>JsonTypeInfo&lt;T&gt;</c>, and calls the primitives of TypedSocketIO.Core (DESIGN principle 2).
    /// </summary>
    internal static class Emitter
    {
        // Every framework name generated code uses, fully qualified, in one place.
        private const string GeneratedCodeAttribute = "global::System.CodeDom.Compiler.GeneratedCodeAttribute";
        private const string EditorBrowsableAttribute = "global::System.ComponentModel.EditorBrowsableAttribute";
        private const string EditorBrowsableNever = "global::System.ComponentModel.EditorBrowsableState.Never";
        private const string DynamicallyAccessedMembersAttribute = "global::System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembersAttribute";
        private const string HandlerMembers =
            "global::System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors | " +
            "global::System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicMethods | " +
            "global::System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.NonPublicMethods | " +
            "global::System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.Interfaces";
        private const string ArgumentNullException = "global::System.ArgumentNullException";
        private const string InvalidOperationException = "global::System.InvalidOperationException";
        private const string Action = "global::System.Action";
        private const string Func = "global::System.Func";
        private const string Task = "global::System.Threading.Tasks.Task";
        private const string CancellationToken = "global::System.Threading.CancellationToken";
        private const string ReadOnlyList = "global::System.Collections.Generic.IReadOnlyList";
        private const string JsonTypeInfo = "global::System.Text.Json.Serialization.Metadata.JsonTypeInfo";
        private const string SocketIOTarget = "global::TypedSocketIO.ISocketIOTarget";
        private const string SocketIOBroadcastTarget = "global::TypedSocketIO.ISocketIOBroadcastTarget";
        private const string SocketIOListenerTarget = "global::TypedSocketIO.ISocketIOListenerTarget";
        private const string SocketIOHandlerHost = "global::TypedSocketIO.ISocketIOHandlerHost";
        private const string SocketIOArguments = "global::TypedSocketIO.SocketIO.SocketIOArguments";
        private const string GeneratedHelpers = "global::TypedSocketIO.SocketIOGeneratedHelpers";
        private const string AckResultType = "global::TypedSocketIO.AckResult";
        private const string PrimitiveTypeInfo = "global::TypedSocketIO.SocketIOPrimitiveTypeInfo";

        /// <summary>The <c>ISocketIOHandlerHost&lt;T&gt;</c> method that registers a handler class.</summary>
        private const string RegisterHandlerMethod = "RegisterHandler";

        private static readonly string s_generatedCode =
            $"[{GeneratedCodeAttribute}(\"{typeof(SocketIOGenerator).Assembly.GetName().Name}\", \"{GetVersion()}\")]";

        /// <summary>The generated files of <paramref name="spec"/>, as (hint name, source), hint names ordinal-sorted.</summary>
        public static IReadOnlyList<(string HintName, string Source)> Emit(ContractSpec spec, CancellationToken cancellationToken)
        {
            var names = new Names(spec);
            var files = new List<(string, string)>
            {
                (spec.HintNamePrefix + ".Emitter.g.cs", EmitEmitters(spec, names, cancellationToken)),
                (spec.HintNamePrefix + ".Extensions.g.cs", EmitExtensions(spec, names)),
                (spec.HintNamePrefix + ".Listeners.g.cs", EmitListeners(spec, names, cancellationToken)),
            };
            files.Sort(static (a, b) => string.CompareOrdinal(a.Item1, b.Item1));
            return files;
        }

        // ---- {Contract}.Emitter.g.cs: metadata, emitter, broadcast emitter -------------------------------------

        private static string EmitEmitters(ContractSpec spec, Names names, CancellationToken cancellationToken)
        {
            SourceWriter writer = StartFile(spec);

            writer.WriteLine($$"""
                /// <summary>Event names and JSON type information of <see cref="{{spec.ContractTypeName}}"/>, shared by its generated types.</summary>
                {{s_generatedCode}}
                [{{EditorBrowsableAttribute}}({{EditorBrowsableNever}})]
                internal static class {{names.Metadata}}
                """);
            writer.OpenBlock();
            foreach (EventSpec e in spec.Events)
            {
                writer.WriteLine($"public const string {e.MethodName}EventName = {Literal(e.WireName)};");
            }

            foreach (TypeInfoSpec typeInfo in spec.TypeInfos)
            {
                writer.WriteLine();
                if (typeInfo.PrimitiveName is not null)
                {
                    writer.WriteLine($"public static {JsonTypeInfo}<{typeInfo.TypeName}> {typeInfo.MemberName} => {PrimitiveTypeInfo}.{typeInfo.PrimitiveName};");
                    continue;
                }

                string field = "s_" + char.ToLowerInvariant(typeInfo.MemberName[0]) + typeInfo.MemberName.Substring(1);
                writer.WriteLine($"private static {JsonTypeInfo}<{typeInfo.TypeName}>? {field};");
                writer.WriteLine();
                if (spec.JsonContextTypeName is not null)
                {
                    writer.WriteLine($"public static {JsonTypeInfo}<{typeInfo.TypeName}> {typeInfo.MemberName} => {field} ??= {GeneratedHelpers}.GetTypeInfo<{typeInfo.TypeName}>({spec.JsonContextTypeName}.Default);");
                }
                else
                {
                    // TSIO0101 (an analyzer) says so at build time; this is what happens if the warning is ignored.
                    string message = $"Contract '{spec.ContractName}' uses '{typeInfo.TypeName.Replace("global::", string.Empty)}', which needs a JsonSerializerContext: "
                        + "write one with [JsonSerializable(typeof(...))] and name it in [SocketIOContract(JsonContext = typeof(...))].";
                    writer.WriteLine($"public static {JsonTypeInfo}<{typeInfo.TypeName}> {typeInfo.MemberName} => {field} ?? throw new {InvalidOperationException}({Literal(message)});");
                }
            }

            writer.CloseBlock();

            EmitEmitter(writer, spec, names, broadcast: false, cancellationToken);
            EmitEmitter(writer, spec, names, broadcast: true, cancellationToken);
            return writer.ToString();
        }

        private static void EmitEmitter(SourceWriter writer, ContractSpec spec, Names names, bool broadcast, CancellationToken cancellationToken)
        {
            string typeName = broadcast ? names.BroadcastEmitter : names.Emitter;
            string targetType = $"{(broadcast ? SocketIOBroadcastTarget : SocketIOTarget)}<{spec.ContractTypeName}>";
            string recipients = broadcast ? "every recipient of a broadcast" : "one recipient";

            writer.WriteLine();
            writer.WriteLine($$"""
                /// <summary>Sends the events of <see cref="{{spec.ContractTypeName}}"/> to {{recipients}}.</summary>
                {{s_generatedCode}}
                {{names.Accessibility}} readonly struct {{typeName}}
                {
                    private readonly {{targetType}} _target;

                    /// <summary>Creates an emitter that sends through <paramref name="target"/>.</summary>
                    public {{typeName}}({{targetType}} target)
                    {
                        _target = target ?? throw new {{ArgumentNullException}}(nameof(target));
                    }
                """);
            writer.Indentation++;

            foreach (EventSpec e in spec.Events)
            {
                cancellationToken.ThrowIfCancellationRequested();
                writer.WriteLine();
                ParameterSpec[] sent = SentParameters(e);
                string state = sent.Length switch
                {
                    0 => "(object?)null",
                    1 => sent[0].Name,
                    _ => "(" + string.Join(", ", sent.Select(static p => p.Name)) + ")",
                };
                string writeArguments = WriteArgumentsLambda(sent, names);
                string eventName = $"{names.Metadata}.{e.MethodName}EventName";

                if (e.Ack is not { } ack)
                {
                    writer.WriteLine($$"""
                        /// <summary>Sends the <c>{{Xml(e.WireName)}}</c> event.</summary>
                        /// <returns><see langword="true"/> when the event was queued for sending.</returns>
                        public bool {{e.MethodName}}({{ParameterList(e, addCancellationToken: null)}})
                            => _target.Send({{eventName}}, {{state}}, {{writeArguments}});
                        """);
                    continue;
                }

                string token = e.Parameters.FirstOrDefault(static p => p.IsCancellationToken)?.Name ?? Unique(e, "cancellationToken");
                string? addedToken = e.Parameters.Any(static p => p.IsCancellationToken) ? null : token;
                string send = $"_target.SendWithAckAsync({eventName}, {state}, {writeArguments}, {token}).ConfigureAwait(false)";
                if (ack.IsEmpty)
                {
                    // Nothing to read: the single emitter completes when the ack arrives, the broadcast one says who answered.
                    writer.WriteLine(broadcast
                        ? $$"""
                            /// <summary>Sends the <c>{{Xml(e.WireName)}}</c> event and waits for the acknowledgement of every recipient (each with no argument) or the timeout.</summary>
                            /// <returns>One entry per targeted socket: acknowledged, or why not (timed out, disconnected).</returns>
                            public async {{Task}}<{{ReadOnlyList}}<{{AckResultType}}>> {{e.MethodName}}({{ParameterList(e, addedToken)}})
                                => {{GeneratedHelpers}}.ToAckResults(await {{send}});
                            """
                        : $$"""
                            /// <summary>Sends the <c>{{Xml(e.WireName)}}</c> event and waits for its acknowledgement, which carries no argument.</summary>
                            /// <returns>A task that completes when the acknowledgement arrives.</returns>
                            public async {{Task}} {{e.MethodName}}({{ParameterList(e, addedToken)}})
                                => await {{send}};
                            """);
                    continue;
                }

                if (!broadcast)
                {
                    string local = Unique(e, "ack");
                    string read = ReadAckExpression(local, ack, eventName, names, indentation: 1);
                    writer.WriteLine($$"""
                        /// <summary>Sends the <c>{{Xml(e.WireName)}}</c> event and waits for its acknowledgement.</summary>
                        /// <returns>{{(ack.IsTuple ? "The acknowledgement's arguments, in order." : "The acknowledgement's first argument.")}}</returns>
                        public async {{Task}}<{{ack.TypeName}}> {{e.MethodName}}({{ParameterList(e, addedToken)}})
                        {
                            {{SocketIOArguments}} {{local}} = await {{send}};
                            return {{read}};
                        }
                        """);
                }
                else
                {
                    string acks = Unique(e, "acks");
                    string arguments = Unique(e, "arguments");
                    string readOne = ReadAckExpression(arguments, ack, eventName, names, indentation: 1);
                    writer.WriteLine($$"""
                        /// <summary>Sends the <c>{{Xml(e.WireName)}}</c> event and waits for the acknowledgement of every recipient or the timeout.</summary>
                        /// <returns>
                        /// One entry per targeted socket: its id and {{(ack.IsTuple ? "the acknowledgement's arguments, in order" : "the acknowledgement's first argument")}},
                        /// or why there is none (timed out, disconnected, or an answer that is not a <c>{{Xml(ack.TypeName.Replace("global::", string.Empty))}}</c>).
                        /// </returns>
                        public async {{Task}}<{{ReadOnlyList}}<{{AckResultType}}<{{ack.TypeName}}>>> {{e.MethodName}}({{ParameterList(e, addedToken)}})
                        {
                            {{ReadOnlyList}}<{{AckResultType}}<{{SocketIOArguments}}>> {{acks}} = await {{send}};
                            return {{GeneratedHelpers}}.ReadAckResults<{{ack.TypeName}}>({{acks}}, static {{arguments}} => {{readOne}});
                        }
                        """);
                }
            }

            writer.CloseBlock();
        }

        // ---- {Contract}.Listeners.g.cs: typed handler registration, dispatcher -----------------------------------

        private static string EmitListeners(ContractSpec spec, Names names, CancellationToken cancellationToken)
        {
            SourceWriter writer = StartFile(spec);
            string targetType = $"{SocketIOListenerTarget}<{spec.ContractTypeName}>";

            writer.WriteLine($$"""
                /// <summary>Registers handlers for the events of <see cref="{{spec.ContractTypeName}}"/>, one delegate per event or one object for all.</summary>
                {{s_generatedCode}}
                {{names.Accessibility}} readonly struct {{names.Listeners}}
                {
                    private readonly {{targetType}} _target;

                    /// <summary>Creates listeners that register on <paramref name="target"/>.</summary>
                    public {{names.Listeners}}({{targetType}} target)
                    {
                        _target = target ?? throw new {{ArgumentNullException}}(nameof(target));
                    }

                    /// <summary>Handles every event of <see cref="{{spec.ContractTypeName}}"/> with the methods of <paramref name="handler"/>.</summary>
                    public void Handler({{spec.ContractTypeName}} handler)
                    {
                        {{ArgumentNullException}}.ThrowIfNull(handler);
                        {{names.Dispatcher}}.Bind(_target, () => handler);
                    }
                """);
            writer.Indentation++;

            foreach (EventSpec e in spec.Events)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ParameterSpec[] sent = SentParameters(e);
                string eventName = $"{names.Metadata}.{e.MethodName}EventName";
                string typeArguments = string.Concat(sent.Select(static p => p.Value.TypeName + ", "));
                string call = "handler(" + string.Join(", ", sent.Select(static p => "arg" + p.WireIndex)) + ")";

                // An empty acknowledgement has no result: its handlers are those of a fire-and-forget event.
                (string Type, bool Async)[] overloads = e.Ack is { IsEmpty: false } ack
                    ? [($"{Func}<{typeArguments}{ack.TypeName}>", false), ($"{Func}<{typeArguments}{Task}<{ack.TypeName}>>", true)]
                    : [(sent.Length == 0 ? Action : $"{Action}<{typeArguments.Substring(0, typeArguments.Length - 2)}>", false), ($"{Func}<{typeArguments}{Task}>", true)];

                foreach ((string handlerType, bool isAsync) in overloads)
                {
                    writer.WriteLine();
                    writer.WriteLine($$"""
                        /// <summary>Handles the <c>{{Xml(e.WireName)}}</c> event with <paramref name="handler"/>{{HandlerSummary(e.Ack)}}.</summary>
                        public void {{e.MethodName}}({{handlerType}} handler)
                        {
                            {{ArgumentNullException}}.ThrowIfNull(handler);
                            _target.Listen({{eventName}}, {{(isAsync ? "async " : string.Empty)}}(arguments, ack) =>
                            {
                        """);
                    writer.Indentation += 2;
                    WriteListenerBody(writer, e, sent, eventName, isAsync ? $"await {call}.ConfigureAwait(false)" : call, isAsync, names);
                    writer.Indentation -= 2;
                    writer.WriteLine("""
                            });
                        }
                        """);
                }
            }

            writer.CloseBlock();

            writer.WriteLine();
            writer.WriteLine($$"""
                /// <summary>Dispatches the events of <see cref="{{spec.ContractTypeName}}"/> to an implementation of it.</summary>
                {{s_generatedCode}}
                {{names.Accessibility}} static class {{names.Dispatcher}}
                {
                    /// <summary>Registers every event of <see cref="{{spec.ContractTypeName}}"/> on <paramref name="target"/>; each event calls the object <paramref name="resolveHandler"/> returns for it.</summary>
                    public static void Bind({{targetType}} target, global::System.Func<{{spec.ContractTypeName}}> resolveHandler)
                    {
                        {{ArgumentNullException}}.ThrowIfNull(target);
                        {{ArgumentNullException}}.ThrowIfNull(resolveHandler);
                """);
            writer.Indentation += 2;
            foreach (EventSpec e in spec.Events)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ParameterSpec[] sent = SentParameters(e);
                string eventName = $"{names.Metadata}.{e.MethodName}EventName";
                bool isAsync = e.ReturnKind != EventReturnKind.Void;
                string call = "resolveHandler()." + e.MethodName + "(" + string.Join(", ", e.Parameters.Select(static p => p.IsCancellationToken ? CancellationToken + ".None" : "arg" + p.WireIndex)) + ")";
                writer.WriteLine($"target.Listen({eventName}, {(isAsync ? "async " : string.Empty)}(arguments, ack) =>");
                writer.OpenBlock();
                WriteListenerBody(writer, e, sent, eventName, isAsync ? $"await {call}.ConfigureAwait(false)" : call, isAsync, names);
                writer.CloseBlock(");");
            }

            writer.Indentation -= 2;
            writer.WriteLine("""
                    }
                }
                """);
            return writer.ToString();
        }

        /// <summary>Reads the arguments into <c>arg0…</c>, calls the handler, sends its result as the acknowledgement when one is asked for.</summary>
        private static void WriteListenerBody(SourceWriter writer, EventSpec e, ParameterSpec[] sent, string eventName, string call, bool isAsync, Names names)
        {
            foreach (ParameterSpec p in sent)
            {
                writer.WriteLine($"var arg{p.WireIndex} = {ReadExpression("arguments", p.WireIndex, p.Value, eventName, names)};");
            }

            if (e.Ack is { IsEmpty: true })
            {
                writer.WriteLine($$"""
                    {{call}};
                    if (ack.IsRequested)
                    {
                        ack.Send((object?)null, static (_, _) => { });
                    }
                    """);
            }
            else if (e.Ack is { IsTuple: true } tuple)
            {
                writer.WriteLine($$"""
                    var result = {{call}};
                    if (ack.IsRequested)
                    {
                        ack.Send(result, static (writer, state) =>
                        {
                    """);
                for (int i = 0; i < tuple.Values.Count; i++)
                {
                    writer.WriteLine($"        writer.WriteArgument(state.Item{i + 1}, {names.Metadata}.{tuple.Values[i].TypeInfoMember});");
                }

                writer.WriteLine("""
                        });
                    }
                    """);
            }
            else if (e.Ack is { } ack)
            {
                writer.WriteLine($$"""
                    var result = {{call}};
                    if (ack.IsRequested)
                    {
                        ack.Send(result, {{names.Metadata}}.{{ack.Values[0].TypeInfoMember}});
                    }
                    """);
            }
            else
            {
                writer.WriteLine(call + ";");
            }

            if (!isAsync)
            {
                if (e.Ack is not null)
                {
                    writer.WriteLine();
                }

                writer.WriteLine("return default;");
            }
        }

        // ---- {Contract}.Extensions.g.cs: C# 14 extension members -------------------------------------------------

        private static string EmitExtensions(ContractSpec spec, Names names)
        {
            SourceWriter writer = StartFile(spec);
            string c = spec.ContractTypeName;
            writer.WriteLine($$"""
                /// <summary>Typed members for the events of <see cref="{{c}}"/>: <c>Emit</c> on a target, <c>On</c> on a listener target, <c>UseHandler</c> on a handler host.</summary>
                {{s_generatedCode}}
                {{names.Accessibility}} static partial class {{names.Extensions}}
                {
                    extension({{SocketIOTarget}}<{{c}}> target)
                    {
                        /// <summary>Sends the events of <see cref="{{c}}"/> to this recipient.</summary>
                        public {{names.Emitter}} Emit => new(target);
                    }

                    extension({{SocketIOBroadcastTarget}}<{{c}}> target)
                    {
                        /// <summary>Sends the events of <see cref="{{c}}"/> to every recipient of this broadcast.</summary>
                        public {{names.BroadcastEmitter}} Emit => new(target);
                    }

                    extension({{SocketIOListenerTarget}}<{{c}}> target)
                    {
                        /// <summary>Registers handlers for the events of <see cref="{{c}}"/>.</summary>
                        public {{names.Listeners}} On => new(target);
                    }

                    extension({{SocketIOHandlerHost}}<{{c}}> host)
                    {
                        /// <summary>Handles the events of <see cref="{{c}}"/> with instances of <typeparamref name="THandler"/>, created by the host.</summary>
                        public void UseHandler<[{{DynamicallyAccessedMembersAttribute}}({{HandlerMembers}})] THandler>()
                            where THandler : class, {{c}}
                            => host.{{RegisterHandlerMethod}}<THandler>({{names.Dispatcher}}.Bind);
                    }
                }
                """);
            return writer.ToString();
        }

        // ---- helpers --------------------------------------------------------------------------------------------

        private static SourceWriter StartFile(ContractSpec spec)
        {
            var writer = new SourceWriter();
            writer.WriteLine("""
                // <auto-generated/>
                #nullable enable
                #pragma warning disable CS0612, CS0618 // A contract may use obsolete types; its generated code does not warn again.
                """);
            if (spec.Namespace.Length > 0)
            {
                writer.WriteLine();
                writer.WriteLine($"namespace {spec.Namespace};");
            }

            writer.WriteLine();
            return writer;
        }

        private static ParameterSpec[] SentParameters(EventSpec e) => e.Parameters.Where(static p => !p.IsCancellationToken).ToArray();

        /// <summary>The emitter's parameter list: the contract method's, plus a trailing token when <paramref name="addCancellationToken"/> names one.</summary>
        private static string ParameterList(EventSpec e, string? addCancellationToken)
        {
            IEnumerable<string> parameters = e.Parameters.Select(static p =>
                p.Value.TypeName + " " + p.Name + (p.DefaultValue is null ? string.Empty : " = " + p.DefaultValue));
            if (addCancellationToken is not null)
            {
                parameters = parameters.Append($"{CancellationToken} {addCancellationToken} = default");
            }

            return string.Join(", ", parameters);
        }

        /// <summary>A static lambda writing the arguments from the state: one value, or a tuple of several.</summary>
        private static string WriteArgumentsLambda(ParameterSpec[] sent, Names names)
        {
            if (sent.Length == 0)
            {
                return "static (_, _) => { }";
            }

            if (sent.Length == 1)
            {
                return $"static (writer, state) => writer.WriteArgument(state, {names.Metadata}.{sent[0].Value.TypeInfoMember})";
            }

            // Written inside a statement or an expression body of the emitter: its lines sit one level deeper.
            var builder = new StringBuilder("static (writer, state) =>\n    {\n");
            for (int i = 0; i < sent.Length; i++)
            {
                builder.Append("        writer.WriteArgument(state.Item").Append(i + 1).Append(", ")
                    .Append(names.Metadata).Append('.').Append(sent[i].Value.TypeInfoMember).Append(");\n");
            }

            return builder.Append("    }").ToString();
        }

        /// <summary>
        /// The result of an acknowledgement read from <paramref name="arguments"/>: argument 0, or a tuple of its arguments,
        /// one element a line; <paramref name="indentation"/> is the depth of the statement that holds it, in the member's body.
        /// </summary>
        private static string ReadAckExpression(string arguments, AckSpec ack, string eventName, Names names, int indentation) =>
            ack.IsTuple
                ? "(" + string.Concat(ack.Values.Select((value, index) =>
                    (index == 0 ? string.Empty : ",") + "\n" + new string(' ', 4 * (indentation + 1)) + ReadExpression(arguments, index, value, eventName, names))) + ")"
                : ReadExpression(arguments, 0, ack.Values[0], eventName, names);

        private static string HandlerSummary(AckSpec? ack) => ack switch
        {
            null => string.Empty,
            { IsEmpty: true } => "; the acknowledgement, when asked for, is sent empty once it returns",
            { IsTuple: true } => ", whose result's elements are the acknowledgement's arguments",
            _ => ", whose result is the acknowledgement",
        };

        private static string ReadExpression(string arguments, int index, ValueSpec value, string eventName, Names names) =>
            $"{GeneratedHelpers}.ReadArgument({arguments}, {index}, {names.Metadata}.{value.TypeInfoMember}, {eventName}, optional: {(value.IsOptional ? "true" : "false")})"
            + (value.IsNullable ? string.Empty : "!");

        /// <summary>A local name that no parameter of <paramref name="e"/> already uses.</summary>
        private static string Unique(EventSpec e, string name)
        {
            while (e.Parameters.Any(p => p.Name == name || p.Name == "@" + name))
            {
                name += "_";
            }

            return name;
        }

        private static string Literal(string value) => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(value, quote: true);

        private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

        private static string GetVersion() =>
            typeof(SocketIOGenerator).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? typeof(SocketIOGenerator).Assembly.GetName().Version?.ToString()
            ?? "0.0.0";

        /// <summary>The names of the generated types of one contract.</summary>
        private sealed class Names
        {
            public Names(ContractSpec spec)
            {
                string prefix = spec.TypeNamePrefix;
                Accessibility = spec.IsPublic ? "public" : "internal";
                Metadata = prefix + "SocketIOMetadata";
                Emitter = prefix + "Emitter";
                BroadcastEmitter = prefix + "BroadcastEmitter";
                Listeners = prefix + "Listeners";
                Dispatcher = prefix + "Dispatcher";
                Extensions = prefix + "SocketIOExtensions";
            }

            public string Accessibility { get; }

            public string Metadata { get; }

            public string Emitter { get; }

            public string BroadcastEmitter { get; }

            public string Listeners { get; }

            public string Dispatcher { get; }

            public string Extensions { get; }
        }
    }
}
