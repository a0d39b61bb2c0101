using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace TypedSocketIO.Generators.Tests;

/// <summary>
/// One test per diagnostic the generator reports: it fires on the exact span marked <c>[|…|]</c>, nothing is
/// generated for that contract, and the corrected contract is silent and generated.
/// </summary>
public sealed class DiagnosticTests
{
    private const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using TypedSocketIO;

        """;

    private const string Namespace = """
        namespace Chat.Contracts;

        """;

    public static TheoryData<string, string, string> Cases => new()
    {
        {
            "TSIO0001",
            "[SocketIOContract] public interface IChat { void Typing(bool on); [Event(\"typing\")] void [|IsTyping|](bool on); }",
            "[SocketIOContract] public interface IChat { void Typing(bool on); [Event(\"isTyping\")] void IsTyping(bool on); }"
        },
        {
            "TSIO0002",
            "[SocketIOContract] public interface IChat { void [|Connect|](); }",
            "[SocketIOContract] public interface IChat { void Connected(); }"
        },
        {
            "TSIO0002",
            "[SocketIOContract] public interface IChat { [Event([|\"disconnect\"|])] void Bye(); }",
            "[SocketIOContract] public interface IChat { [Event(\"bye\")] void Bye(); }"
        },
        {
            "TSIO0003",
            "[SocketIOContract] public interface IChat { void Send(string text); void [|Send|](int number); }",
            "[SocketIOContract] public interface IChat { void Send(string text); void SendNumber(int number); }"
        },
        {
            "TSIO0004",
            "[SocketIOContract] public interface IChat { void [|Send|]<T>(T value); }",
            "[SocketIOContract] public interface IChat { void Send(string value); }"
        },
        {
            "TSIO0005",
            "[SocketIOContract] public interface IChat { void Send(ref int [|value|]); }",
            "[SocketIOContract] public interface IChat { void Send(int value); }"
        },
        {
            "TSIO0006",
            "[SocketIOContract] public interface IChat { void Send(); string [|Name|] { get; } }",
            "[SocketIOContract] public interface IChat { void Send(); static string Name => \"chat\"; }"
        },
        {
            "TSIO0006",
            "[SocketIOContract] public interface IChat { void Send(); event Action [|Changed|]; }",
            "[SocketIOContract] public interface IChat { void Send(); void Changed(); }"
        },
        {
            "TSIO0007",
            "[SocketIOContract] public interface IChat { [|int|] Count(); }",
            "[SocketIOContract] public interface IChat { Task<int> Count(); }"
        },
        {
            "TSIO0007",
            "[SocketIOContract] public interface IChat { [|Task<(int, int, int, int, int, int, int, int)>|] Counts(); }",
            "[SocketIOContract] public interface IChat { Task<(int, int, int, int, int, int, int)> Counts(); }"
        },
        {
            "TSIO0007",
            "[SocketIOContract] public interface IChat { [|ValueTask<ValueTuple<int>>|] Count(); }",
            "[SocketIOContract] public interface IChat { ValueTask<int> Count(); }"
        },
        {
            "TSIO0007",
            "[SocketIOContract] public interface IChat { [|Task<(string Text, int Count)?>|] Ask(); }",
            "[SocketIOContract] public interface IChat { Task<(string Text, int Count)> Ask(); }"
        },
        {
            "TSIO0007",
            "[SocketIOContract] public interface IChat { [|Task<ValueTuple?>|] Ping(); }",
            "[SocketIOContract] public interface IChat { Task<ValueTuple> Ping(); }"
        },
        {
            "TSIO0008",
            "[assembly: SocketIOContractFor([|typeof(Chat.Contracts.Chat)|])] public class Chat { }",
            "[assembly: SocketIOContractFor(typeof(Chat.Contracts.IChat))] public interface IChat { void Send(); }"
        },
        {
            "TSIO0009",
            "[SocketIOContract] public interface IChat { [Event([|\"\"|])] void Send(); }",
            "[SocketIOContract] public interface IChat { [Event(\"send\")] void Send(); }"
        },
        {
            "TSIO0011",
            "[SocketIOContract(JsonContext = [|typeof(NotAContext)|])] public interface IChat { void Send(); } public class NotAContext { }",
            "[SocketIOContract] public interface IChat { void Send(); } public class NotAContext { }"
        },
        {
            "TSIO0012",
            "[SocketIOContract] public interface [|IChat|]<T> { void Send(T value); }",
            "[SocketIOContract] public interface IChat { void Send(string value); }"
        },
        {
            "TSIO0013",
            "public class Outer { [SocketIOContract] private interface [|IChat|] { void Send(); } }",
            "public class Outer { [SocketIOContract] internal interface IChat { void Send(); } }"
        },
        {
            "TSIO0014",
            "[SocketIOContract] public interface IChat { Task<bool> [|Join|](CancellationToken a, CancellationToken b); }",
            "[SocketIOContract] public interface IChat { Task<bool> Join(CancellationToken a); }"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Diagnostic_FiresOnItsSpan_AndTheCorrectedContractIsSilent(string id, string markup, string corrected)
    {
        AssertDiagnostic(id, markup, CompilationHelper.ParseOptions);
        AssertSilent(corrected, CompilationHelper.ParseOptions);
    }

    [Fact]
    public void TSIO0010_LanguageVersionBelow14()
    {
        const string markup = "[SocketIOContract] public interface [|IChat|] { void Send(); }";
        CSharpParseOptions csharp13 = CompilationHelper.ParseOptions.WithLanguageVersion(LanguageVersion.CSharp13);
        Diagnostic diagnostic = AssertDiagnostic("TSIO0010", markup, csharp13);
        Assert.Contains("this project uses C# 13.0", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        AssertSilent(markup.Replace("[|", string.Empty).Replace("|]", string.Empty), CompilationHelper.ParseOptions);
        AssertSilent(markup.Replace("[|", string.Empty).Replace("|]", string.Empty), CompilationHelper.ParseOptions.WithLanguageVersion(LanguageVersion.Preview));
    }

    [Fact]
    public void Diagnostic_MessageNamesBothMethodsAndTheWireName()
    {
        Diagnostic diagnostic = AssertDiagnostic("TSIO0001",
            "[SocketIOContract] public interface IChat { void Typing(bool on); [Event(\"typing\")] void [|IsTyping|](bool on); }",
            CompilationHelper.ParseOptions);
        Assert.Equal(
            "Methods 'Typing' and 'IsTyping' of contract 'IChat' both map to the event name 'typing'; give one of them another [Event] name",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Diagnostic_OnOneContract_DoesNotStopAnother()
    {
        string source = Usings + Namespace + """
            [SocketIOContract] public interface IBroken { void Connect(); }
            [SocketIOContract] public interface IFine { void Send(); }
            """;
        GeneratorResult result = CompilationHelper.Run(CompilationHelper.CreateCompilation(source));

        Assert.Equal("TSIO0002", Assert.Single(result.Diagnostics).Id);
        Assert.All(result.Run.GeneratedSources, s => Assert.StartsWith("Chat.Contracts.IFine.", s.HintName, StringComparison.Ordinal));
        Assert.Equal(3, result.Run.GeneratedSources.Length);
    }

    private static Diagnostic AssertDiagnostic(string id, string markup, CSharpParseOptions options)
    {
        string source = Compose(markup);
        int start = source.IndexOf("[|", StringComparison.Ordinal);
        int end = source.IndexOf("|]", StringComparison.Ordinal) - 2;
        source = source.Replace("[|", string.Empty).Replace("|]", string.Empty);

        GeneratorResult result = CompilationHelper.Run(CompilationHelper.CreateCompilation(options, source), options);

        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.True(diagnostic.Location.IsInSource);
        Assert.Equal(TextSpan.FromBounds(start, end), diagnostic.Location.SourceSpan);
        Assert.Empty(result.Run.GeneratedSources);
        return diagnostic;
    }

    private static void AssertSilent(string source, CSharpParseOptions options)
    {
        GeneratorResult result = CompilationHelper.Run(CompilationHelper.CreateCompilation(options, Compose(source)), options);

        Assert.True(result.Diagnostics.IsEmpty, CompilationHelper.Describe(result.Diagnostics));
        Assert.NotEmpty(result.Run.GeneratedSources);
    }

    /// <summary>The test's code in a file: usings, then its assembly attribute if it starts with one, then the namespace.</summary>
    private static string Compose(string code)
    {
        if (!code.StartsWith("[assembly:", StringComparison.Ordinal))
        {
            return Usings + Namespace + code;
        }

        int end = code.IndexOf(")] ", StringComparison.Ordinal) + 2;
        return Usings + code[..end] + "\n" + Namespace + code[(end + 1)..];
    }
}
