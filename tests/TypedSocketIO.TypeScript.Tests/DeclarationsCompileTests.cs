using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Shop.Contracts;

namespace TypedSocketIO.TypeScript.Tests;

/// <summary>
/// tsc, with the official socket.io-client's types, over programs that use the generated <c>contracts.d.ts</c>: the right
/// calls compile; each mistake is one compile error with the expected code, on the expected line; the JSON that
/// System.Text.Json really writes for the contracts' types is accepted as the declared types, and JSON in other names is not.
/// One tsc run covers every file (see <see cref="CompiledPrograms"/>).
/// </summary>
public sealed class DeclarationsCompileTests(DeclarationsCompileTests.CompiledPrograms compiled) : IClassFixture<DeclarationsCompileTests.CompiledPrograms>
{
    private const string Header = """
        import { io, type Socket } from "socket.io-client";
        import type { ServerToClientEvents, ClientToServerEvents, Basket, BasketLine, Product, OrderState, Category } from "./contracts";
        const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io("http://127.0.0.1:1", { autoConnect: false });
        """;

    /// <summary>Calls a user makes: listeners with typed arguments and ack callbacks, emits, acks as callbacks, emitWithAck and timeout().</summary>
    private const string CorrectUsage = Header + """

        socket.on("productChanged", (product) => {
          const name: string = product.name;
          const category: Category = product.category;
          const description: string | null | undefined = product.description;
          const supplier: string = product.supplier_code;
          const stock: number | undefined = product.stock["main"];
          const tags: string[] = product.tags;
          console.log(name, category, description, supplier, stock, tags);
        });
        socket.on("orderStatus", (orderId: string, state: OrderState, at: string) => console.log(orderId, state, at));
        socket.on("confirmPrice", (sku, newPrice, callback) => callback(sku.length > 0 && newPrice < 100));
        socket.emit("say", "hello");
        socket.emit("uploadPhoto", "sku-1", new ArrayBuffer(8));
        socket.emit("addItem", { sku: "a", quantity: 2 }, (basket) => console.log(basket.total, basket.lines.length));
        socket.emit("lookup", "sku-1", (product, inStock) => console.log(product?.price, inStock.toFixed()));
        socket.emit("health-check", () => console.log("alive"));

        export async function shop(line: BasketLine): Promise<void> {
          const basket: Basket = await socket.emitWithAck("addItem", line);
          const product: Product | null = await socket.timeout(1000).emitWithAck("lookup", "sku-1");
          socket.timeout(1000).emit("addItem", line, (error, after) => {
            if (error) {
              return;
            }

            const state: OrderState = after.state;
            console.log(state);
          });
          console.log(basket, product);
        }
        """;

    /// <summary>Each mistake, one file each: (file, the line of the mistake, the tsc code expected, a piece of its message).</summary>
    public static TheoryData<string, string, string, string> Mistakes => new()
    {
        { "wrong-argument-type.ts", "socket.emit(\"say\", 42);", "TS2345", "'number' is not assignable to parameter of type 'string'" },
        { "wrong-event-name.ts", "socket.emit(\"sya\", \"hello\");", "TS2345", "'\"sya\"' is not assignable" },
        { "unknown-listener.ts", "socket.on(\"productChange\", (p: Product) => console.log(p));", "TS2345", "'\"productChange\"' is not assignable" },
        { "wrong-dto-property.ts", "socket.emit(\"addItem\", { sku: \"a\", qty: 2 }, () => {});", "TS2353", "'qty' does not exist in type 'BasketLine'" },
        { "wrong-ack-value.ts", "socket.on(\"confirmPrice\", (sku, price, callback) => callback(\"yes\"));", "TS2345", "'string' is not assignable to parameter of type 'boolean'" },
        { "binary-as-text.ts", "socket.emit(\"uploadPhoto\", \"sku-1\", \"not binary\");", "TS2345", "'string' is not assignable to parameter of type 'ArrayBuffer'" },
        { "enum-member-name.ts", "socket.on(\"orderStatus\", (id, state) => { const s: \"InTransit\" | \"Open\" | \"Paid\" = state; console.log(id, s); });", "TS2322", "Type 'OrderState' is not assignable to type" },
        { "missing-ack-callback-argument.ts", "socket.emit(\"lookup\", \"sku-1\", (product: Product | null, inStock: string) => console.log(product, inStock));", "TS2345", "is not assignable to parameter of type" },
    };

    [Fact]
    public void CorrectUsage_CompilesWithoutErrors()
    {
        TypeScriptError[] errors = compiled.ErrorsOf("correct-usage.ts");
        Assert.True(errors.Length == 0, string.Join(Environment.NewLine, errors.Select(e => e.ToString())));
    }

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Mistake_IsACompileErrorWithItsCode(string file, string statement, string code, string message)
    {
        _ = statement;
        TypeScriptError error = Assert.Single(compiled.ErrorsOf(file));
        Assert.Equal(code, error.Code);
        Assert.Equal(HeaderLines + 1, error.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonWrittenBySystemTextJson_IsAcceptedAsTheDeclaredTypes()
    {
        TypeScriptError[] errors = compiled.ErrorsOf("system-text-json.ts");
        Assert.True(errors.Length == 0, string.Join(Environment.NewLine, errors.Select(e => e.ToString())));
    }

    [Fact]
    public void JsonInOtherNames_IsRejected()
    {
        // The same values written by the default (PascalCase, numeric enums) options: the declarations must not accept them,
        // or the test above would prove nothing.
        TypeScriptError[] errors = compiled.ErrorsOf("pascal-case-json.ts");
        string all = string.Join(Environment.NewLine, errors.Select(e => e.ToString()));
        Assert.True(errors.Any(e => (e.Code is "TS2561" or "TS2353") && e.Message.Contains("\"Sku\"", StringComparison.Ordinal)), all);
    }

    private static int HeaderLines => Header.Split('\n').Length;

    /// <summary>Every program of the class, compiled once.</summary>
    public sealed class CompiledPrograms : IAsyncLifetime
    {
        private IReadOnlyList<TypeScriptError> _errors = [];

        internal TypeScriptError[] ErrorsOf(string file) => [.. _errors.Where(e => e.File == file)];

        public async Task InitializeAsync()
        {
            var files = new Dictionary<string, string>(StringComparer.Ordinal) { ["correct-usage.ts"] = CorrectUsage };
            foreach (object[] mistake in Mistakes)
            {
                files[(string)mistake[0]] = Header + "\n" + (string)mistake[1] + "\n";
            }

            files["system-text-json.ts"] = JsonProgram(ShopJsonContext.Default);
            files["pascal-case-json.ts"] = JsonProgram(new JsonSerializerOptions { TypeInfoResolver = new DefaultJsonTypeInfoResolver() });
            _errors = await TypeScriptCompiler.CompileAsync(files);
        }

        public Task DisposeAsync() => Task.CompletedTask;

        /// <summary>Values of every DTO, serialized with <paramref name="resolver"/>, assigned to the declared types.</summary>
        private static string JsonProgram(IJsonTypeInfoResolver resolver) =>
            JsonProgram(new JsonSerializerOptions { TypeInfoResolver = resolver, WriteIndented = true });

        private static string JsonProgram(JsonSerializerContext context) => JsonProgram(context.Options);

        private static string JsonProgram(JsonSerializerOptions options)
        {
            var described = new Product("b-1", "A book", 12.5m, Category.Books)
            {
                Tags = ["new", "paper"],
                Stock = new() { ["main"] = 3, ["north"] = 0 },
                Description = "Three hundred pages.",
                SupplierCode = "S-9",
                InternalNote = "never sent",
            };
            var plain = new Product("m-1", "An album", 9m, Category.Music);
            var basket = new Basket([new BasketLine("b-1", 2)], 25m, OrderState.InTransit);
            return $"""
                import type {"{"} Product, Basket, BasketLine, OrderState, Category {"}"} from "./contracts";
                export const described: Product = {JsonSerializer.Serialize(described, options)};
                export const plain: Product = {JsonSerializer.Serialize(plain, options)};
                export const basket: Basket = {JsonSerializer.Serialize(basket, options)};
                export const line: BasketLine = {JsonSerializer.Serialize(new BasketLine("x", 1), options)};
                export const states: OrderState[] = {JsonSerializer.Serialize(new[] {OrderState.Open, OrderState.Paid, OrderState.InTransit}, options)};
                export const category: Category = {JsonSerializer.Serialize(Category.Music, options)};
                """;
        }
    }
}
