using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using TypedSocketIO.Diagnostics;
using TypedSocketIO.Generators.Helpers;
using TypedSocketIO.Generators.Model;

namespace TypedSocketIO.Generators;

public sealed partial class SocketIOGenerator
{
    /// <summary>The MSBuild property naming the contract baseline file; setting it turns the check on.</summary>
    internal const string ContractBaselineProperty = "TypedSocketIOContractBaseline";

    /// <summary>The metadata that marks the baseline among the AdditionalFiles (set by TypedSocketIO.TypeScript.targets).</summary>
    internal const string ContractBaselineMetadata = "build_metadata.AdditionalFiles.TypedSocketIOContractBaseline";

    /// <summary>Hint name of the generated C# file carrying the current contract shape, which the build can write to the baseline.</summary>
    internal const string ContractShapeHintName = "TypedSocketIO.ContractShape.g.cs";

    /// <summary>
    /// Contract versions: when <c>TypedSocketIOContractBaseline</c> names a file, the wire shape of every contract of the
    /// project (event names, argument and acknowledgement types with every DTO written out as System.Text.Json shapes it) is
    /// compared with the shape recorded in that file, and each change that breaks a client built against the recorded version
    /// is a warning: an event removed (TSIO0301), a wire name changed (TSIO0302), arguments changed (TSIO0303), the
    /// acknowledgement changed (TSIO0304). The current shape is also generated as a constant, which the build writes to the
    /// baseline file when <c>TypedSocketIOContractBaselineUpdate</c> is true (once per release, as PublicAPI.Shipped.txt is).
    /// </summary>
    private static void InitializeContractVersions(IncrementalGeneratorInitializationContext context, IncrementalValueProvider<ImmutableArray<string>> contractNames)
    {
        // (whether a baseline is named, whether this build rewrites it: then nothing is compared or reported).
        IncrementalValueProvider<(bool On, bool Updating)> settings = context.AnalyzerConfigOptionsProvider
            .Select(static (provider, _) => (
                provider.GlobalOptions.TryGetValue("build_property." + ContractBaselineProperty, out string? path) && !string.IsNullOrWhiteSpace(path),
                provider.GlobalOptions.TryGetValue("build_property." + ContractBaselineProperty + "Update", out string? update)
                    && string.Equals(update?.Trim(), "true", StringComparison.OrdinalIgnoreCase)));
        IncrementalValueProvider<bool> enabled = settings.Select(static (s, _) => s.On);

        IncrementalValueProvider<EquatableArray<string>> baselines = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Where(static pair => pair.Right.GetOptions(pair.Left).TryGetValue(ContractBaselineMetadata, out string? flag)
                && string.Equals(flag, "true", StringComparison.OrdinalIgnoreCase))
            .Select(static (pair, cancellationToken) => pair.Left.GetText(cancellationToken)?.ToString() ?? string.Empty)
            .Collect()
            .Select(static (texts, _) => texts.ToEquatableArray());

        IncrementalValueProvider<ContractShapeSpec?> shape = contractNames
            .Combine(enabled)
            .Combine(context.CompilationProvider)
            .Select(static (input, cancellationToken) =>
            {
                ((ImmutableArray<string> names, bool on), Compilation compilation) = input;
                return on
                    ? InvariantCulture(() => ContractShape.Render(
                        TypeScriptParser.Parse(compilation, names, new TypeScriptOptionsSpec(true, null, null), cancellationToken), cancellationToken))
                    : null;
            })
            .WithTrackingName(TrackingNames.ContractShape);

        context.RegisterSourceOutput(shape.Combine(baselines).Combine(settings), static (context, input) =>
        {
            ((ContractShapeSpec? current, EquatableArray<string> recorded), (bool _, bool updating)) = input;
            if (current is null)
            {
                return;
            }

            context.AddSource(ContractShapeHintName, ContractShape.EmitSource(current));
            if (updating)
            {
                return;
            }

            if (recorded.Count == 0)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContractBaselineMissing, Location.None));
                return;
            }

            foreach (Diagnostic diagnostic in ContractShape.Compare(ContractShape.Parse(recorded[0]), current, context.CancellationToken))
            {
                context.ReportDiagnostic(diagnostic);
            }
        });
    }

    /// <summary>The wire shape of a project's contracts as lines of text: what a baseline file holds and what is compared.</summary>
    internal static class ContractShape
    {
        private const string Header = "# TypedSocketIO contract baseline: one line per event (contract, event, method, arguments, acknowledgement), tab-separated.";

        /// <summary>The shape of every event of <paramref name="spec"/>, DTOs and enums written out in full, lines ordinal-sorted.</summary>
        public static ContractShapeSpec Render(TypeScriptDeclarationsSpec spec, CancellationToken cancellationToken)
        {
            var types = new Dictionary<string, TypeScriptTypeSpec>(StringComparer.Ordinal);
            foreach (TypeScriptTypeSpec type in spec.Types)
            {
                types[type.Key] = type;
            }

            var lines = new List<ContractShapeLineSpec>();
            foreach (TypeScriptContractSpec contract in spec.Contracts)
            {
                foreach (TypeScriptEventSpec e in contract.Events)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var arguments = new List<string>();
                    foreach (TypeScriptValueSpec argument in e.Arguments)
                    {
                        arguments.Add(Expand(argument.Type, types, new HashSet<string>(StringComparer.Ordinal)));
                    }

                    string ack = "-";
                    if (e.HasAck)
                    {
                        var values = new List<string>();
                        foreach (TypeScriptValueSpec value in e.AckValues)
                        {
                            values.Add(Expand(value.Type, types, new HashSet<string>(StringComparer.Ordinal)));
                        }

                        ack = "(" + string.Join(", ", values) + ")";
                    }

                    lines.Add(new ContractShapeLineSpec(contract.ContractTypeName, e.WireName, e.MethodName, "(" + string.Join(", ", arguments) + ")", ack));
                }
            }

            lines.Sort(static (a, b) =>
            {
                int byContract = string.CompareOrdinal(a.Contract, b.Contract);
                return byContract != 0 ? byContract : string.CompareOrdinal(a.WireName, b.WireName);
            });
            return new ContractShapeSpec(lines.ToEquatableArray());
        }

        /// <summary>The baseline file's text for <paramref name="shape"/>.</summary>
        public static string Format(ContractShapeSpec shape)
        {
            var text = new StringBuilder(Header).Append('\n');
            foreach (ContractShapeLineSpec line in shape.Lines)
            {
                text.Append(line.Contract).Append('\t').Append(line.WireName).Append('\t').Append(line.MethodName).Append('\t')
                    .Append(line.Arguments).Append('\t').Append(line.Ack).Append('\n');
            }

            return text.ToString();
        }

        /// <summary>The lines of a baseline file; comments, blank and malformed lines are skipped.</summary>
        public static List<ContractShapeLineSpec> Parse(string text)
        {
            var lines = new List<ContractShapeLineSpec>();
            foreach (string raw in text.Split('\n'))
            {
                string line = raw.TrimEnd('\r');
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                string[] parts = line.Split('\t');
                if (parts.Length == 5)
                {
                    lines.Add(new ContractShapeLineSpec(parts[0], parts[1], parts[2], parts[3], parts[4]));
                }
            }

            return lines;
        }

        /// <summary>The changes from <paramref name="recorded"/> to <paramref name="current"/> that break clients built against the recorded shape.</summary>
        public static IEnumerable<Diagnostic> Compare(List<ContractShapeLineSpec> recorded, ContractShapeSpec current, CancellationToken cancellationToken)
        {
            var byWireName = new Dictionary<string, ContractShapeLineSpec>(StringComparer.Ordinal);
            var byMethod = new Dictionary<string, ContractShapeLineSpec>(StringComparer.Ordinal);
            foreach (ContractShapeLineSpec line in current.Lines)
            {
                byWireName[line.Contract + "\t" + line.WireName] = line;
                byMethod[line.Contract + "\t" + line.MethodName] = line;
            }

            foreach (ContractShapeLineSpec old in recorded)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!byWireName.TryGetValue(old.Contract + "\t" + old.WireName, out ContractShapeLineSpec? now))
                {
                    yield return byMethod.TryGetValue(old.Contract + "\t" + old.MethodName, out ContractShapeLineSpec? renamed)
                        ? Diagnostic.Create(DiagnosticDescriptors.ContractEventRenamed, Location.None, old.Contract, old.MethodName, old.WireName, renamed.WireName)
                        : Diagnostic.Create(DiagnosticDescriptors.ContractEventRemoved, Location.None, old.Contract, old.WireName);
                    continue;
                }

                if (now.Arguments != old.Arguments)
                {
                    yield return Diagnostic.Create(DiagnosticDescriptors.ContractArgumentsChanged, Location.None, old.Contract, old.WireName, old.Arguments, now.Arguments);
                }

                if (now.Ack != old.Ack)
                {
                    yield return Diagnostic.Create(DiagnosticDescriptors.ContractAckChanged, Location.None, old.Contract, old.WireName, Ack(old.Ack), Ack(now.Ack));
                }
            }

            static string Ack(string ack) => ack == "-" ? "none (fire-and-forget)" : ack;
        }

        /// <summary>The C# file carrying the current shape as a constant, for the build to write to the baseline.</summary>
        public static string EmitSource(ContractShapeSpec shape)
        {
            string text = Format(shape);
            string delimiter = new('"', Math.Max(3, LongestQuoteRun(text) + 1));
            return $$"""
                // <auto-generated/>
                #nullable enable

                namespace TypedSocketIO.Generated;

                /// <summary>The wire shape of this project's Socket.IO contracts, as a contract baseline file records it.</summary>
                /// <remarks>With <c>TypedSocketIOContractBaselineUpdate=true</c> the build writes <see cref="Shape"/> to the file named by <c>TypedSocketIOContractBaseline</c>.</remarks>
                internal static class TypedSocketIOContractShape
                {
                    /// <summary>The text of the baseline file.</summary>
                    public const string Shape = {{delimiter}}

                """.Replace("\r\n", "\n") + text + delimiter + ";\n}\n";
        }

        private static int LongestQuoteRun(string text)
        {
            int longest = 0;
            int run = 0;
            foreach (char c in text)
            {
                run = c == '"' ? run + 1 : 0;
                longest = Math.Max(longest, run);
            }

            return longest;
        }

        /// <summary>A type expression with every reference to a model type replaced by its structure (names only on a cycle).</summary>
        private static string Expand(string type, Dictionary<string, TypeScriptTypeSpec> types, HashSet<string> open)
        {
            var builder = new StringBuilder(type.Length);
            int position = 0;
            while (position < type.Length)
            {
                int start = type.IndexOf(TypeScriptDeclarationsSpec.TypeReferenceStart, position);
                if (start < 0)
                {
                    builder.Append(type, position, type.Length - position);
                    break;
                }

                int end = type.IndexOf(TypeScriptDeclarationsSpec.TypeReferenceEnd, start);
                builder.Append(type, position, start - position);
                string key = type.Substring(start + 1, end - start - 1);
                TypeScriptTypeSpec referenced = types[key];
                if (referenced.AliasOf is not null)
                {
                    builder.Append('(').Append(referenced.AliasOf).Append(')');
                }
                else if (!open.Add(key))
                {
                    builder.Append(referenced.CSharpName); // a type that contains itself: its name stands for it
                }
                else
                {
                    builder.Append('{');
                    string separator = string.Empty;
                    foreach (TypeScriptValueSpec property in referenced.Properties)
                    {
                        builder.Append(separator).Append(TypeScriptSyntax.PropertyKey(property.Name)).Append(property.IsOptional ? "?: " : ": ")
                            .Append(Expand(property.Type, types, open));
                        separator = "; ";
                    }

                    if (referenced.HasExtensionData)
                    {
                        builder.Append(separator).Append("[key: string]: unknown");
                    }

                    builder.Append('}');
                    open.Remove(key);
                }

                position = end + 1;
            }

            return builder.ToString();
        }
    }
}
