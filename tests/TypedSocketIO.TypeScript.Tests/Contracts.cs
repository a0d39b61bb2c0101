using System.Text.Json;
using System.Text.Json.Serialization;
using TypedSocketIO;

namespace Shop.Contracts;

/// <summary>The events a shop client sends to the server.</summary>
[SocketIOContract(JsonContext = typeof(ShopJsonContext))]
public interface IShopServer
{
    /// <summary>Puts an item in the basket; the acknowledgement is the basket as it is now.</summary>
    Task<Basket> AddItem(BasketLine line);

    /// <summary>Says something to the shop's chat.</summary>
    void Say(string text);

    /// <summary>Uploads a photo of a product (a binary attachment).</summary>
    void UploadPhoto(string sku, byte[] photo);

    /// <summary>Looks a product up; the acknowledgement carries the product (or null) and how many are in stock.</summary>
    Task<(Product? Product, int InStock)> Lookup(string sku, CancellationToken cancellationToken);

    /// <summary>Checks the connection; the acknowledgement carries nothing.</summary>
    [Event("health-check")]
    ValueTask<ValueTuple> HealthCheck();
}

/// <summary>The events the shop server sends to a client.</summary>
[SocketIOContract(JsonContext = typeof(ShopJsonContext))]
public interface IShopClient
{
    /// <summary>A product's price or stock changed.</summary>
    void ProductChanged(Product product);

    /// <summary>An order moved on.</summary>
    void OrderStatus(Guid orderId, OrderState state, DateTimeOffset at);

    /// <summary>The server asks the client to confirm a price change; the client answers yes or no.</summary>
    Task<bool> ConfirmPrice(string sku, decimal newPrice);
}

/// <summary>Something the shop sells.</summary>
public sealed record Product(string Sku, string Name, decimal Price, Category Category)
{
    /// <summary>Labels shown beside the product.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Stock per warehouse.</summary>
    public Dictionary<string, int> Stock { get; init; } = [];

    /// <summary>The description, when there is one (left out of the JSON when null).</summary>
    public string? Description { get; init; }

    /// <summary>The supplier's own code, under the name the supplier's systems use.</summary>
    [JsonPropertyName("supplier_code")]
    public string SupplierCode { get; init; } = "";

    /// <summary>Never sent.</summary>
    [JsonIgnore]
    public string InternalNote { get; init; } = "";
}

/// <summary>One line of a basket.</summary>
public sealed record BasketLine(string Sku, int Quantity);

/// <summary>A basket.</summary>
public sealed record Basket(IReadOnlyList<BasketLine> Lines, decimal Total, OrderState State);

/// <summary>Product categories: numbers on the wire (no string converter).</summary>
public enum Category
{
    /// <summary>Books.</summary>
    Books = 1,

    /// <summary>Music.</summary>
    Music = 2,
}

/// <summary>Where an order is: names on the wire (JsonStringEnumConverter).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OrderState>))]
public enum OrderState
{
    /// <summary>Not paid yet.</summary>
    Open,

    /// <summary>Paid.</summary>
    Paid,

    /// <summary>On its way.</summary>
    [JsonStringEnumMemberName("in-transit")]
    InTransit,
}

/// <summary>System.Text.Json metadata of the shop's types: camelCase names, nulls left out.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Product))]
[JsonSerializable(typeof(Basket))]
[JsonSerializable(typeof(BasketLine))]
[JsonSerializable(typeof(OrderState))]
[JsonSerializable(typeof(Category))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(OrderState[]))]
public sealed partial class ShopJsonContext : JsonSerializerContext;
