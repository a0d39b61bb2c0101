namespace TypedSocketIO.Analyzers.Tests;

/// <summary>Source files several tests share.</summary>
internal static class Sources
{
    /// <summary>A stand-in for TypedSocketIO.Server's handler base class (the real one needs ASP.NET Core).</summary>
    public const string SocketHandler = """
        namespace TypedSocketIO.Server;

        public abstract class SocketHandler<TSend>
        {
        }
        """;

    /// <summary>
    /// What the System.Text.Json generator adds to a context, which does not run in these tests: the abstract members,
    /// in a partial declaration of its own, as in a real project.
    /// </summary>
    public static string ContextImplementation(string name, string @namespace = "Chat") => $$"""
        namespace {{@namespace}};

        partial class {{name}}
        {
            public {{name}}() : base(null) { }
            protected override global::System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override global::System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(global::System.Type type) => null;
        }
        """;

    /// <summary>Two message types of the contracts.</summary>
    public const string Models = """
        namespace Chat;

        public sealed record ChatMessage(string User, string Text);
        public sealed record JoinResult(string Room, int Members);
        """;
}
