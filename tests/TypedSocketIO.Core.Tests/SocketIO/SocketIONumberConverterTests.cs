using System.Text;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Core.Tests.SocketIO;

public sealed class SocketIONumberConverterTests
{
    // Each expected string is what Node prints for JSON.stringify(value).
    [Theory]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(1e16, "10000000000000000")]
    [InlineData(123456789012345680000d, "123456789012345680000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.5e21, "1.5e+21")]
    [InlineData(1e-6, "0.000001")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(-0.0, "0")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(100d, "100")]
    [InlineData(2.5, "2.5")]
    [InlineData(-123.456, "-123.456")]
    [InlineData(-1e-7, "-1e-7")]
    [InlineData(0.1, "0.1")]
    [InlineData(double.NaN, "null")]
    [InlineData(double.PositiveInfinity, "null")]
    public void Doubles_AreWrittenAsJsonStringifyWritesThem(double value, string expected)
    {
        Span<byte> utf8 = stackalloc byte[32];
        int length = SocketIONumberConverter.Format(value, utf8);
        Assert.Equal(expected, Encoding.UTF8.GetString(utf8[..length]));
    }

    [Fact]
    public void Writer_UsesJavaScriptNumbers_ForArgumentsAndForPropertiesOfGeneratedContexts()
    {
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("m");
        writer.WriteArgument(1e21);
        writer.WriteArgument(new Measurement(1e-6, -0.0, [1e21, 2.5]), TestJsonContext.Default.Measurement);
        Assert.Equal("2[\"m\",1e+21,{\"value\":0.000001,\"optional\":0,\"series\":[1e+21,2.5]}]", Encoding.UTF8.GetString(writer.Build("/").Text.Span));
    }
}
