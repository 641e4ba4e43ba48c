using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Accounts;
using Ujar.Api.Channels;
using Ujar.Api.Complaints;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Channels;

/// <summary>Keys for the systems that file over Open311: made on the command line or by an admin, shown once, stored as
/// a hash only, revoked at once, and never written to a log.</summary>
public sealed class ChannelKeyTests : IAsyncLifetime
{
    private readonly CapturedLogs _logs = new();
    private UjarApp _app = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadFixtureCityAsync(connectionString);
        _app = new UjarApp(connectionString) { Logs = _logs };
        _ = _app.Server;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<(int ExitCode, string Output)> Cli(params string[] args) =>
        UjarCli.RunAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Ujar"] = _app.ConnectionString,
            ["Ujar__GisData"] = TestPaths.GisData,
            // Every category at every level: the key must not be in any of it.
            ["Logging__LogLevel__Default"] = "Trace",
            ["Logging__LogLevel__Microsoft"] = "Trace",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Trace",
        }, TimeSpan.FromMinutes(2), args);

    [Fact]
    public async Task The_command_line_prints_a_new_key_once_stores_only_its_hash_and_revokes_it()
    {
        var (exit, output) = await Cli("channel-key", "create", "--name", "FixMyStreet", "--channel", "open311");

        Assert.True(exit == 0, output);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries);
        var key = Assert.Single(lines, l => l.StartsWith("ujar_open311_"));
        Assert.True(key.Length >= 50, key);
        // The key is on its own line once (the answer), and in no log line of the run, at Trace level.
        Assert.Equal(1, CountOf(output, key));

        await using (var db = _app.NewDb())
        {
            var row = await db.ChannelKeys.SingleAsync(k => k.Name == "fixmystreet");
            Assert.Equal(IntakeChannel.Open311, row.Channel);
            Assert.Equal(ChannelKeys.Hash(key), row.KeyHash);
            Assert.Equal(key[^4..], row.Hint);
            Assert.Equal("cli", row.CreatedBy);
            // Nothing in the row is the key or a long piece of it.
            foreach (var value in new[] { row.Name, row.KeyHash, row.Hint, row.CreatedBy })
                Assert.DoesNotContain(key[..20], value ?? "");
            Assert.NotNull(await ChannelKeys.FindActiveAsync(db, key, IntakeChannel.Open311, default));
            Assert.Null(await ChannelKeys.FindActiveAsync(db, key, IntakeChannel.WhatsApp, default));
            Assert.Null(await ChannelKeys.FindActiveAsync(db, key + "x", IntakeChannel.Open311, default));
        }

        var (listExit, list) = await Cli("channel-key", "list");
        Assert.Equal(0, listExit);
        Assert.Contains("fixmystreet", list);
        Assert.Contains("…" + key[^4..], list);
        Assert.Contains("active", list);
        Assert.DoesNotContain(key, list);

        var (takenExit, taken) = await Cli("channel-key", "create", "--name", "fixmystreet", "--channel", "open311");
        Assert.Equal(1, takenExit);
        Assert.Contains("exists", taken);

        var (revokeExit, revoked) = await Cli("channel-key", "revoke", "fixmystreet");
        Assert.True(revokeExit == 0, revoked);
        await using (var db = _app.NewDb())
            Assert.Null(await ChannelKeys.FindActiveAsync(db, key, IntakeChannel.Open311, default));
        var (again, _) = await Cli("channel-key", "revoke", "fixmystreet");
        Assert.Equal(1, again);
        Assert.Contains("revoked", (await Cli("channel-key", "list")).Output);

        // A revoked name can be given to a new key; the old one stays revoked.
        var (newExit, newOutput) = await Cli("channel-key", "create", "--name", "fixmystreet", "--channel", "open311");
        Assert.True(newExit == 0, newOutput);
        await using (var db = _app.NewDb())
        {
            Assert.Equal(2, await db.ChannelKeys.CountAsync(k => k.Name == "fixmystreet"));
            Assert.Null(await ChannelKeys.FindActiveAsync(db, key, IntakeChannel.Open311, default));
        }
    }

    [Theory]
    [InlineData("--name", "fixmystreet", "--channel", "whatsapp")]
    [InlineData("--name", "fixmystreet", "--channel", "fax")]
    [InlineData("--name", "Fix My Street", "--channel", "open311")]
    [InlineData("--channel", "open311")]
    public async Task The_command_line_refuses_a_bad_name_or_channel_and_makes_no_key(params string[] options)
    {
        var (exit, output) = await Cli(["channel-key", "create", .. options]);

        Assert.True(exit == 2, output);
        Assert.DoesNotContain("ujar_", output);
        await using var db = _app.NewDb();
        Assert.False(await db.ChannelKeys.AnyAsync(k => k.RevokedAt == null && k.Name == "fixmystreet"));
    }

    [Fact]
    public async Task An_admin_makes_lists_and_revokes_keys_over_the_api_and_the_key_is_shown_only_at_creation()
    {
        using var admin = await _app.ClientAsAsync(Roles.Admin);

        var created = await admin.PostAsJsonAsync("/api/admin/channel-keys", new { name = "call-centre", channel = "open311" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("no-store", created.Headers.CacheControl?.ToString());
        var body = await created.ReadJsonAsync();
        var key = body.GetProperty("key").GetString()!;
        Assert.StartsWith("ujar_open311_", key);
        Assert.Equal("call-centre", body.GetProperty("channelKey").GetProperty("name").GetString());
        Assert.True(body.GetProperty("channelKey").GetProperty("active").GetBoolean());

        var list = await admin.GetStringAsync("/api/admin/channel-keys");
        Assert.Contains("call-centre", list);
        Assert.Contains(key[^4..], list);
        Assert.DoesNotContain(key, list);
        Assert.DoesNotContain(ChannelKeys.Hash(key), list);

        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/admin/channel-keys", new { name = "call-centre", channel = "open311" })).StatusCode);
        var invalid = await admin.PostAsJsonAsync("/api/admin/channel-keys", new { name = "", channel = "sms" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        var errors = (await invalid.ReadJsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("channel", out _));

        var revoked = await admin.DeleteAsync("/api/admin/channel-keys/call-centre");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.False((await revoked.ReadJsonAsync()).GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/admin/channel-keys/call-centre")).StatusCode);
        await using (var db = _app.NewDb())
            Assert.Null(await ChannelKeys.FindActiveAsync(db, key, IntakeChannel.Open311, default));

        // The audit trail names the key and who made it, never the key itself; nor does any other log line of the host.
        Assert.Contains(_logs.Lines, l => l.Contains("created channel key call-centre"));
        Assert.Contains(_logs.Lines, l => l.Contains("revoked channel key call-centre"));
        Assert.Equal(0, CountOf(_logs.All, key));
        Assert.Equal(0, CountOf(_logs.All, key[..24]));
    }

    [Fact]
    public async Task A_key_used_over_Open311_files_once_and_never_reaches_a_log_and_a_revoked_one_stores_nothing()
    {
        using var admin = await _app.ClientAsAsync(Roles.Admin);
        var created = await (await admin.PostAsJsonAsync("/api/admin/channel-keys", new { name = "fixmystreet", channel = "open311" })).ReadJsonAsync();
        var key = created.GetProperty("key").GetString()!;
        using var client = _app.CreateClient();
        FormUrlEncodedContent Filing() => new(new Dictionary<string, string>
        {
            ["api_key"] = key, ["service_code"] = "sampah", ["lat"] = "0.065", ["long"] = "100.055", ["description"] = "Sampah menumpuk di TPS",
            ["email"] = "warga@contoh.id",
        });

        var filed = await client.PostAsync("/open311/v2/requests.json", Filing());

        Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
        await using (var db = _app.NewDb())
        {
            var row = await db.ChannelKeys.SingleAsync(k => k.Name == "fixmystreet");
            Assert.NotNull(row.LastUsedAt);
            Assert.Equal(1, await db.Complaints.CountAsync(c => c.ChannelKeyId == row.Id && c.Channel == IntakeChannel.Open311));
        }
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync("/api/admin/channel-keys/fixmystreet")).StatusCode);
        var refused = await client.PostAsync("/open311/v2/requests.json", Filing());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        await using (var db = _app.NewDb())
            Assert.Equal(1, await db.Complaints.CountAsync(c => c.Channel == IntakeChannel.Open311));

        // Every line the host logged at every level, the EF commands and the request lines included.
        Assert.Contains(_logs.Lines, l => l.Contains("/open311/v2/requests.json"));
        Assert.Equal(0, CountOf(_logs.All, key));
        Assert.Equal(0, CountOf(_logs.All, key[..24]));
        Assert.Equal(0, CountOf(_logs.All, Uri.EscapeDataString(key)));
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
