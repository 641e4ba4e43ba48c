using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Complaints;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.WhatsApp;

namespace Ujar.Api.Tests.WhatsApp;

/// <summary><c>serve --demo-live</c> as an operator runs it, with outbound configured against a fake Graph API.</summary>
public sealed class WhatsAppDemoLiveTests : IAsyncLifetime
{
    private readonly string _mediaPath = Path.Combine(Path.GetTempPath(), $"ujar-media-{Guid.NewGuid():N}");
    private FakeGraph _graph = null!;

    public async Task InitializeAsync() => _graph = await FakeGraph.StartAsync();

    [Fact]
    public async Task Demo_live_files_WhatsApp_conversations_through_the_inbox_as_demo_complaints_and_sends_nothing()
    {
        var connectionString = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadFixtureCityAsync(connectionString);
        var port = UjarCli.FreePort();
        var start = UjarCli.StartInfo(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Ujar"] = connectionString,
            ["Ujar__GisData"] = TestPaths.GisData,
            ["Ujar__MediaPath"] = _mediaPath,
            ["Ujar__WhatsApp__GraphBaseUrl"] = _graph.BaseUrl,
            ["Ujar__WhatsApp__AccessToken"] = "demo-test-token",
            ["Ujar__WhatsApp__PhoneNumberId"] = MetaWebhook.BusinessPhoneNumberId,
            ["Ujar__WhatsApp__PollSeconds"] = "0.2",
            ["Logging__LogLevel__Ujar.Api.Demo"] = "Information",
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

        Complaint? filed = null;
        List<WhatsAppOutboxMessage> replies = [];
        try
        {
            // The first demo complaint is a conversation, 3–6 s after start; the deadline leaves room for a busy machine
            // (two suites side by side at load average 40 kept the process from binding its port within 90 s).
            var deadline = DateTime.UtcNow.AddSeconds(240);
            while (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
                Assert.False(serve.HasExited, $"serve exited:\n{string.Join('\n', output)}");
                await using var db = TestDb.Create(connectionString);
                filed = await db.Complaints.AsNoTracking().Where(c => db.WhatsAppReports.Any(r => r.ComplaintId == c.Id)).OrderBy(c => c.Id).FirstOrDefaultAsync();
                if (filed is null) continue;
                replies = await db.WhatsAppOutbox.AsNoTracking().Where(m => m.ComplaintId == filed.Id || m.WaId == filed.ReporterPhone!.Substring(1))
                    .OrderBy(m => m.Id).ToListAsync();
                if (replies.Count == 4 && replies.All(r => r.State != OutboxState.Pending)) break;
            }
        }
        finally
        {
            using (var kill = Process.Start("kill", ["-TERM", serve.Id.ToString()])) await kill.WaitForExitAsync();
            await serve.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }

        Assert.True(filed is not null, $"no WhatsApp demo complaint:\n{string.Join('\n', output)}");
        Assert.Equal(IntakeChannel.WhatsApp, filed.Channel);
        Assert.True(filed.IsDemo);
        Assert.Matches(@"^\+628\d{9,11}$", filed.ReporterPhone);
        Assert.False(string.IsNullOrEmpty(filed.ReporterName));
        Assert.Contains("Jl.", filed.Description);
        Assert.StartsWith("99.", filed.KelurahanCode);
        var waId = filed.ReporterPhone![1..];

        await using (var db = TestDb.Create(connectionString))
        {
            var messages = await db.WhatsAppInbox.AsNoTracking().Where(m => m.WaId == waId).OrderBy(m => m.Id).ToListAsync();
            Assert.Equal([WhatsAppMessageKind.Location, WhatsAppMessageKind.ListReply, WhatsAppMessageKind.Text, WhatsAppMessageKind.ButtonReply],
                messages.Select(m => m.Kind));
            Assert.All(messages, m => Assert.True(m.IsDemo && m.ProcessedAt is not null && !m.GaveUp));
            Assert.Equal(messages[^1].MessageId, filed.IdempotencyKey);
        }
        // The four replies were made and logged, never sent, though outbound is configured.
        Assert.Equal(4, replies.Count);
        Assert.All(replies, r => Assert.Equal((OutboxState.NotSent, true), (r.State, r.IsDemo)));
        Assert.Empty(_graph.Requests);
        var masked = PhoneMask.Mask(waId);
        Assert.Contains(output, line => line.Contains(masked) && line.Contains(filed.Ticket));
        Assert.DoesNotContain(output, line => line.Contains(waId));
    }

    public async Task DisposeAsync()
    {
        await _graph.DisposeAsync();
        if (Directory.Exists(_mediaPath)) Directory.Delete(_mediaPath, recursive: true);
    }
}
