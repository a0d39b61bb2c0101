using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSocketIO.Server;

namespace TypedSocketIO.Client.Tests.Functional;

/// <summary>
/// The .NET client validates the server's TLS certificate by default: against our server on HTTPS with a certificate no one
/// trusts (self-signed, made for the test), the connection is refused over polling and over WebSocket for that reason, and it
/// succeeds only when the application passes a handler that accepts the certificate.
/// </summary>
public sealed class SecurityDefaultsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task AnUntrustedServerCertificate_IsRefused_ByDefault(string transport)
    {
        using X509Certificate2 certificate = SelfSigned();
        await using WebApplication app = await StartHttpsAsync(certificate);
        Uri uri = Address(app);

        await using (SocketIOClient client = SocketIOClient.Create(uri, Options(transport, handler: null)))
        {
            Exception refused = await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync().WaitAsync(Wait));
            Assert.True(HasAuthenticationFailure(refused), refused.ToString());
            Assert.False(client.IsConnected);
        }

        // The same server, the certificate accepted by the application's own handler: it was the validation that refused.
        using var trusting = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString(),
            },
        };
        await using SocketIOClient accepted = SocketIOClient.Create(uri, Options(transport, trusting));
        await accepted.ConnectAsync().WaitAsync(Wait);
        Assert.True(accepted.IsConnected);
    }

    private static SocketIOClientOptions Options(string transport, HttpMessageHandler? handler) => new()
    {
        ForceNew = true,
        Reconnection = false,
        Transports = ClientSuite.TransportsFor(transport),
        HttpMessageHandler = handler,
    };

    private static bool HasAuthenticationFailure(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is AuthenticationException)
            {
                return true;
            }

            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Any(HasAuthenticationFailure))
            {
                return true;
            }
        }

        return false;
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=typedsocketio-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    private static async Task<WebApplication> StartHttpsAsync(X509Certificate2 certificate)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        builder.Services.AddSocketIO();
        WebApplication app = builder.Build();
        app.MapSocketIO("/", ns => ns.OnConnection(_ => { }));
        using var timeout = new CancellationTokenSource(Wait);
        await app.StartAsync(timeout.Token);
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
}
