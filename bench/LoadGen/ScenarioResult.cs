using System.Text.Json;
using System.Text.Json.Serialization;

namespace LoadGen;

/// <summary>The figures of one scenario against one server, one JSON line in the results file.</summary>
internal sealed class ScenarioResult
{
    public string Server { get; set; } = "";

    public string Scenario { get; set; } = "";

    public string Started { get; set; } = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public string LoadAverageBefore { get; set; } = "";

    public string LoadAverageAfter { get; set; } = "";

    /// <summary>Figure name → value, in the order added.</summary>
    public List<Figure> Figures { get; set; } = [];

    public List<string> Notes { get; set; } = [];

    public string? Error { get; set; }

    public void Add(string name, double value) => Figures.Add(new Figure(name, value));

    public double? Get(string name) => Figures.Find(f => f.Name == name)?.Value;
}

internal sealed record Figure(string Name, double Value);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ScenarioResult))]
internal sealed partial class ResultJsonContext : JsonSerializerContext;
