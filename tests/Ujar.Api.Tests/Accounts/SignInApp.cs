using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.WhatsApp;

namespace Ujar.Api.Tests.Accounts;

/// <summary>
/// A class fixture: the service on a real Kestrel socket at 127.0.0.1 over its own database, with a clock the tests move,
/// and HTTP clients that connect from an address of their choosing. Every 127.0.0.0/8 address is loopback on Linux, so
/// "the guesser's address" and "the owner's address" differ as they would on the internet, without a proxy.
/// </summary>
public sealed class SignInApp : IAsyncLifetime
{
    private static int _addresses = 256;

    public MovableClock Clock { get; } = new();
    public UjarApp App { get; private set; } = null!;
    public Uri BaseUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = new UjarApp(await TestPostGis.NewDatabaseAsync(), testServices: services => services.AddSingleton<TimeProvider>(Clock));
        App.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        App.StartServer();
        BaseUrl = new Uri(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    /// <summary>An address in 127.0.0.0/8 no other client of this test run has used.</summary>
    public static IPAddress NewAddress()
    {
        var n = Interlocked.Increment(ref _addresses);
        return new IPAddress([127, (byte)(n >> 16), (byte)(n >> 8), (byte)n]);
    }

    /// <summary>A client whose connections come from <paramref name="source"/> (a new address when none is given).</summary>
    public HttpClient ClientFrom(IPAddress? source = null, bool cookies = false)
    {
        var from = source ?? NewAddress();
        var handler = new SocketsHttpHandler
        {
            UseCookies = cookies,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = BaseUrl };
    }

    public static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/api/auth/login", new { email, password });

    /// <summary>A bearer sign-in's answer: <c>{tokenType, accessToken, expiresIn, refreshToken}</c>.</summary>
    public static async Task<JsonElement> SignInAsync(HttpClient client, string email)
    {
        var response = await LoginAsync(client, email, TestAccounts.Password);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"sign-in: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
    }
}
