using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using TypedSocketIO.Generators.Model;

namespace TypedSocketIO.Generators.Tests;

/// <summary>The model the emitter sees: symbol-free and equatable, so the pipeline can cache it.</summary>
public sealed class ModelTests
{
    private const string ContextContract = SnapshotTests.HandWrittenContext + """

            [TypedSocketIO.SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface IChatServer
            {
                void Send(string? room, ChatMessage message, byte[] data);
                System.Threading.Tasks.Task<JoinResult> Join(string room, int retries = 3, System.Threading.CancellationToken cancellationToken = default);
            }
            """;

    private const string AckShapesContract = SnapshotTests.HandWrittenContext + """

            [TypedSocketIO.SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface IAckShapes
            {
                System.Threading.Tasks.Task<(string Room, JoinResult Result, ChatMessage? Last)> Join(string room);
                System.Threading.Tasks.ValueTask<System.ValueTuple> Ping();
            }
            """;

    public static TheoryData<string> Sources => new()
    {
        ContextContract,
        """
            [assembly: TypedSocketIO.SocketIOContractFor(typeof(Vendor.IVendorEvents))]
            namespace Vendor
            {
                public interface IVendorEvents { System.Threading.Tasks.ValueTask<int?> Ping(System.Collections.Generic.List<int> at); }
            }
            """,
        AckShapesContract,
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void Model_HoldsNoSymbolOrCompilation(string source)
    {
        GeneratorResult result = CompilationHelper.Run(CompilationHelper.CreateCompilation(source));
        ContractSpec spec = Assert.Single(result.Specs);
        Assert.NotEmpty(spec.Events);
        WalkObjectGraph(spec);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Model_FromTheSameSource_IsEqual(string source)
    {
        ContractSpec first = Assert.Single(CompilationHelper.Run(CompilationHelper.CreateCompilation(source)).Specs);
        ContractSpec second = Assert.Single(CompilationHelper.Run(CompilationHelper.CreateCompilation(source)).Specs);

        Assert.NotSame(first, second);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    [Fact]
    public void Model_FromADifferentContract_IsNotEqual()
    {
        string source = ContextContract;
        ContractSpec first = Assert.Single(CompilationHelper.Run(CompilationHelper.CreateCompilation(source)).Specs);
        ContractSpec second = Assert.Single(CompilationHelper.Run(CompilationHelper.CreateCompilation(source.Replace("int retries = 3", "int retries = 4"))).Specs);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Model_OfTupleAndEmptyAcknowledgements_ListsTheirValues()
    {
        ContractSpec spec = Assert.Single(CompilationHelper.Run(CompilationHelper.CreateCompilation(AckShapesContract)).Specs);

        AckSpec tuple = Assert.IsType<AckSpec>(spec.Events[0].Ack);
        Assert.True(tuple.IsTuple);
        Assert.Equal("(string Room, global::Chat.Contracts.JoinResult Result, global::Chat.Contracts.ChatMessage? Last)", tuple.TypeName);
        Assert.Equal(["string", "global::Chat.Contracts.JoinResult", "global::Chat.Contracts.ChatMessage?"], tuple.Values.Select(v => v.TypeName));
        Assert.Equal([false, false, true], tuple.Values.Select(v => v.IsOptional));

        AckSpec empty = Assert.IsType<AckSpec>(spec.Events[1].Ack);
        Assert.True(empty.IsTuple);
        Assert.True(empty.IsEmpty);
        Assert.Equal("global::System.ValueTuple", empty.TypeName);
    }

    /// <summary>Fails on any <see cref="ISymbol"/>, <see cref="Compilation"/>, syntax or location reachable from the model.</summary>
    private static void WalkObjectGraph(object root)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Visit(root, "spec");

        void Visit(object? node, string path)
        {
            if (node is null || (!node.GetType().IsValueType && !visited.Add(node)))
            {
                return;
            }

            Assert.False(node is ISymbol or Compilation or SemanticModel or SyntaxNode or SyntaxTree or Location,
                $"{path} holds a {node.GetType().Name}");

            Type type = node.GetType();
            if (type.IsPrimitive || type.IsEnum || node is string)
            {
                return;
            }

            if (node is IEnumerable items)
            {
                int i = 0;
                foreach (object? item in items)
                {
                    Visit(item, $"{path}[{i++}]");
                }

                return;
            }

            foreach (FieldInfo field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
            {
                Visit(field.GetValue(node), $"{path}.{field.Name}");
            }
        }
    }
}
