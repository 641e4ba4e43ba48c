using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Data;

namespace Ujar.Api.Tests.Infrastructure;

/// <summary>
/// A class fixture: the service on a real Kestrel socket at 127.0.0.1 over the fixture city, so a request has a real
/// client address. Every 127.0.0.0/8 address is loopback on Linux: <see cref="ClientFrom"/> binds a client's socket to
/// the source address a test names (127.0.0.2, 127.0.0.3…), which tells "an attacker" from "a citizen" without a proxy.
/// <see cref="Settings"/> adds configuration after the suite's own (see <see cref="UjarApp.SuiteLimits"/>).
/// </summary>
public class KestrelCityApp : IAsyncLifetime
{
    private readonly List<HttpClient> _clients = [];

    public UjarApp App { get; private set; } = null!;
    public Uri BaseUrl { get; private set; } = null!;

    protected virtual Dictionary<string, string> Settings() => [];

    protected virtual void TestServices(IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadFixtureCityAsync(connectionString);
        App = Start(connectionString);
        BaseUrl = AddressOf(App);
    }

    /// <summary>An instance with this fixture's settings over <paramref name="connectionString"/>; a test may start a second
    /// one over the same database (another instance, or the same service after a restart).</summary>
    public UjarApp Start(string connectionString)
    {
        var app = new UjarApp(connectionString, Settings(), TestServices);
        // Port 0: the OS picks a free one.
        app.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        return app;
    }

    public UjarDb NewDb() => App.NewDb();

    /// <summary>An HTTP client whose connections leave from <paramref name="source"/> (a loopback address), to this
    /// fixture's service or to <paramref name="server"/>.</summary>
    public HttpClient ClientFrom(string source, Uri? server = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            // Each test sees the answers as sent (Content-Encoding included).
            AutomaticDecompression = DecompressionMethods.None,
        };
        var client = new HttpClient(handler) { BaseAddress = server ?? BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        lock (_clients) _clients.Add(client);
        return client;
    }

    public static Uri AddressOf(UjarApp app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    public virtual async Task DisposeAsync()
    {
        lock (_clients) _clients.ForEach(c => c.Dispose());
        if (App is not null) await App.DisposeAsync();
    }
}
