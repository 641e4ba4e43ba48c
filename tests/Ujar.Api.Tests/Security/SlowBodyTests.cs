using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Security;

/// <summary>Kestrel's minimum request body rate lowered to a grace period of two seconds (it takes no less than one), and
/// every log line the service writes collected.</summary>
public sealed class SlowBodyCityApp : KestrelCityApp
{
    public CapturedLogs Logs { get; } = new();

    protected override void TestServices(IServiceCollection services)
    {
        services.Configure<KestrelServerOptions>(o => o.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 100, gracePeriod: TimeSpan.FromSeconds(2)));
        services.AddSingleton<ILoggerProvider>(Logs);
    }
}

/// <summary>A client that sends its headers and then trickles the body slower than the minimum rate gets a 408 in both
/// languages, and the log calls it the client's problem: no error, no <c>server_error</c>.</summary>
public sealed class SlowBodyTests(SlowBodyCityApp city) : IClassFixture<SlowBodyCityApp>
{
    [Fact]
    public async Task A_body_trickled_below_the_minimum_rate_gets_408_logged_as_the_clients_problem()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(city.BaseUrl.Host, city.BaseUrl.Port);
        await using var stream = new NetworkStream(socket);
        var headers = "POST /api/complaints HTTP/1.1\r\nHost: ujar.kota-uji.example\r\nContent-Type: application/json\r\n"
            + "Content-Length: 4000\r\n\r\n{";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(headers));

        // One byte every quarter second (4 bytes/s, far under 100) until the service answers; never more than a minute.
        var answer = ReadAllAsync(stream);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!answer.IsCompleted && DateTime.UtcNow < deadline)
        {
            try
            {
                await stream.WriteAsync(" "u8.ToArray());
            }
            catch (IOException)
            {
                break; // the service closed the connection after answering
            }
            await Task.WhenAny(answer, Task.Delay(250));
        }
        var response = await answer.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 408 ", response);
        Assert.Contains("application/problem+json", response);
        Assert.Contains("\"code\":\"request_timeout\"", response);
        Assert.Contains("\"titleEn\":\"Request sent too slowly\"", response);
        Assert.DoesNotContain("server_error", response);

        var logged = await EventuallyAsync(() => city.Logs.Lines.FirstOrDefault(l => l.Contains("ClientFaults") && l.Contains("408")));
        Assert.StartsWith("Information ", logged);
        Assert.DoesNotContain(city.Logs.Lines, l => l.StartsWith("Error ") || l.StartsWith("Critical "));
    }

    private static async Task<string> ReadAllAsync(NetworkStream stream)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, read);
                // The answer is complete once its body (Content-Length) is in.
                var text = Encoding.UTF8.GetString(received.ToArray());
                var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                var length = System.Text.RegularExpressions.Regex.Match(text, @"(?i)content-length: (\d+)");
                if (split >= 0 && length.Success && Encoding.UTF8.GetByteCount(text[(split + 4)..]) >= int.Parse(length.Groups[1].Value)) break;
            }
        }
        catch (IOException)
        {
            // Reset after the answer: what arrived is what counts.
        }
        return Encoding.UTF8.GetString(received.ToArray());
    }

    private static async Task<string> EventuallyAsync(Func<string?> read)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (read() is { } found) return found;
            Assert.True(DateTime.UtcNow < deadline, "the 408 was never logged");
            await Task.Delay(50);
        }
    }
}
