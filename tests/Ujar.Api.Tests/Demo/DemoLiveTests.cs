using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Complaints;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Demo;

public sealed class DemoLiveTests : IDisposable
{
    private readonly string _mediaPath = Path.Combine(Path.GetTempPath(), $"ujar-media-{Guid.NewGuid():N}");

    [Fact]
    public async Task Serve_with_demo_live_keeps_filing_plausible_complaints_through_intake()
    {
        var connectionString = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadFixtureCityAsync(connectionString);
        var port = UjarCli.FreePort();
        var start = UjarCli.StartInfo(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Ujar"] = connectionString,
            ["Ujar__GisData"] = TestPaths.GisData,
            ["Ujar__MediaPath"] = _mediaPath,
            ["Logging__LogLevel__Ujar.Api.Demo"] = "Information",
            // Every third demo complaint is a WhatsApp conversation, filed (and its ticket logged) by the WhatsApp worker.
            ["Logging__LogLevel__Ujar.Api.WhatsApp"] = "Information",
            ["ASPNETCORE_URLS"] = null,
        }, "serve", "--demo-live", "--urls", $"http://127.0.0.1:{port}");
        var output = new ConcurrentQueue<string>();
        using var serve = new Process { StartInfo = start };
        serve.OutputDataReceived += (_, line) => { if (line.Data is not null) output.Enqueue(line.Data); };
        serve.ErrorDataReceived += (_, line) => { if (line.Data is not null) output.Enqueue(line.Data); };
        serve.Start();
        serve.BeginOutputReadLine();
        serve.BeginErrorReadLine();

        List<Complaint> filed;
        try
        {
            // One every 3–6 s, so two within about 12 s of start; the deadline leaves room for a busy machine (see
            // WhatsAppDemoLiveTests: binding alone took over 90 s at load average 40).
            var deadline = DateTime.UtcNow.AddSeconds(240);
            do
            {
                await Task.Delay(500);
                Assert.False(serve.HasExited, $"serve exited {(serve.HasExited ? serve.ExitCode : 0)}:\n{string.Join('\n', output)}");
                await using var db = TestDb.Create(connectionString);
                filed = await db.Complaints.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
            }
            while (filed.Count < 2 && DateTime.UtcNow < deadline);
        }
        finally
        {
            using (var kill = Process.Start("kill", ["-TERM", serve.Id.ToString()])) await kill.WaitForExitAsync();
            await serve.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }

        Assert.True(filed.Count >= 2, $"{filed.Count} complaints filed:\n{string.Join('\n', output)}");
        Assert.All(filed, c =>
        {
            Assert.True(c.IsDemo);
            Assert.Equal(ComplaintStatus.Received, c.Status);
            Assert.Matches(@"^UJR-\d{4}-\d{6}$", c.Ticket);
            Assert.StartsWith("99.", c.KelurahanCode); // routed into the fixture city by the real router
            Assert.Contains("Jl.", c.Description);
            Assert.Contains(output, line => line.Contains(c.Ticket));
        });
        // Written by the intake's writer at commit time, so in filing order and close to now.
        Assert.Equal(filed.Select(c => c.CreatedAt).Order(), filed.Select(c => c.CreatedAt));
        Assert.All(filed, c => Assert.InRange(c.CreatedAt, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow));
    }

    public void Dispose()
    {
        if (Directory.Exists(_mediaPath)) Directory.Delete(_mediaPath, recursive: true);
    }
}
