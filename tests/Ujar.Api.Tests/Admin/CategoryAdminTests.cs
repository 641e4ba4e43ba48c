using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Accounts;
using Ujar.Api.Deadlines;
using Ujar.Api.Routing;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Live;

namespace Ujar.Api.Tests.Admin;

/// <summary>Categories and OPDs through /api/admin, checked through the next complaint filed by a citizen.</summary>
public sealed class CategoryAdminTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private readonly HttpClient _citizen = fixture.App.CreateClient();

    [Fact]
    public async Task A_new_verify_SLA_sets_the_deadline_shown_for_the_next_complaint()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var before = await CategoryAsync(admin, "parkir");
        var verifyDays = before.GetProperty("verifyDays").GetInt32() + 4;

        var put = await admin.PutAsJsonAsync("/api/admin/categories/parkir", Body(before, verifyDays: verifyDays,
            responseDays: Math.Max(verifyDays, before.GetProperty("responseDays").GetInt32()),
            resolveDays: Math.Max(verifyDays, before.GetProperty("resolveDays").GetInt32())));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(verifyDays, (await put.ReadJsonAsync()).GetProperty("verifyDays").GetInt32());
        var ticket = await _citizen.FileAsync(0.0652, 100.0571, "parkir", "Parkir liar di trotoar");
        var detail = await DetailAsync(ticket);
        var created = detail.GetProperty("complaint").GetProperty("createdAt").GetDateTimeOffset().UtcDateTime;
        var calendar = fixture.App.Services.GetRequiredService<WorkingCalendars>().Current;
        Assert.Equal("verify", detail.GetProperty("deadline").GetProperty("kind").GetString());
        Assert.Equal(calendar.AddWorkingDays(created, verifyDays), detail.GetProperty("deadline").GetProperty("due").GetDateTimeOffset().UtcDateTime);
        Assert.NotEqual(calendar.AddWorkingDays(created, verifyDays - 4), calendar.AddWorkingDays(created, verifyDays));
    }

    [Fact]
    public async Task A_category_moved_to_another_opd_routes_the_next_complaint_there()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var before = await CategoryAsync(admin, "pohon_membahayakan");
        Assert.Equal("dlh", before.GetProperty("opd").GetString());
        var first = await _citizen.FileAsync(0.0652, 100.0574, "pohon_membahayakan", "Pohon miring");

        var put = await admin.PutAsJsonAsync("/api/admin/categories/pohon_membahayakan", Body(before, opd: "pupr"));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var next = await _citizen.FileAsync(0.0652, 100.0577, "pohon_membahayakan", "Pohon tumbang");
        Assert.Equal("pupr", (await DetailAsync(next)).GetProperty("complaint").GetProperty("opd").GetProperty("code").GetString());
        // A complaint already filed keeps the OPD it was routed to.
        Assert.Equal("dlh", (await DetailAsync(first)).GetProperty("complaint").GetProperty("opd").GetProperty("code").GetString());
        var listed = Assert.Single((await (await admin.GetAsync("/api/admin/categories")).ReadJsonAsync()).EnumerateArray(),
            c => c.GetProperty("code").GetString() == "pohon_membahayakan");
        Assert.Equal("pupr", listed.GetProperty("opd").GetString());
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("adminEditedAt").ValueKind);
    }

    [Fact]
    public async Task A_change_notifies_the_routing_channel_so_other_instances_reload()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var before = await CategoryAsync(admin, "lainnya");
        await using var listener = new Npgsql.NpgsqlConnection(fixture.App.ConnectionString);
        await listener.OpenAsync();
        var notified = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Notification += (_, e) => notified.TrySetResult(e.Channel);
        await using (var listen = new Npgsql.NpgsqlCommand($"LISTEN {RoutingReloader.Channel}", listener))
            await listen.ExecuteNonQueryAsync();

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/admin/categories/lainnya", Body(before, nameEn: "Something else"))).StatusCode);

        await listener.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(RoutingReloader.Channel, await notified.Task.WaitAsync(TimeSpan.FromSeconds(1)));
    }

    public static TheoryData<string, string> BadCategories() => new()
    {
        { """{"nameId":"Parkir","nameEn":"Parking","opd":"dinas_fiktif","verifyDays":1,"responseDays":2,"resolveDays":3}""", "opd" },
        { """{"nameId":"Parkir","nameEn":"Parking","opd":"dishub","verifyDays":0,"responseDays":2,"resolveDays":3}""", "verifyDays" },
        { """{"nameId":"Parkir","nameEn":"Parking","opd":"dishub","verifyDays":1,"responseDays":2,"resolveDays":366}""", "resolveDays" },
        { """{"nameId":"Parkir","nameEn":"Parking","opd":"dishub","verifyDays":1.5,"responseDays":2,"resolveDays":3}""", "verifyDays" },
        { """{"nameId":"Parkir","nameEn":"Parking","opd":"dishub","verifyDays":3,"responseDays":2,"resolveDays":5}""", "responseDays" },
        { """{"nameId":"Parkir","nameEn":"Parking","opd":"dishub","verifyDays":1,"responseDays":4,"resolveDays":3}""", "resolveDays" },
        { """{"nameId":"Parkir","nameEn":"Parking","opd":"dishub","verifyDays":1,"responseDays":2}""", "resolveDays" },
        { """{"nameId":"","nameEn":"Parking","opd":"dishub","verifyDays":1,"responseDays":2,"resolveDays":3}""", "nameId" },
    };

    [Theory]
    [MemberData(nameof(BadCategories))]
    public async Task A_bad_category_is_422_naming_the_field_and_changes_nothing(string body, string field)
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        await using var db = fixture.App.NewDb();
        var before = await db.Categories.AsNoTracking().SingleAsync(c => c.Code == "penerangan_jalan");

        var response = await admin.PutAsync("/api/admin/categories/penerangan_jalan", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var error), $"no error for {field}: {problem}");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("en").GetString()));
        var after = await db.Categories.AsNoTracking().SingleAsync(c => c.Code == "penerangan_jalan");
        Assert.Equivalent(before, after);
    }

    [Fact]
    public async Task A_new_category_needs_an_icon_then_is_offered_to_citizens_and_routed()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var body = new { nameId = "Drainase tersumbat", nameEn = "Blocked drain", opd = "pupr", verifyDays = 1, responseDays = 2, resolveDays = 5 };
        var withoutIcon = await admin.PutAsJsonAsync("/api/admin/categories/drainase", body);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, withoutIcon.StatusCode);
        Assert.True((await withoutIcon.ReadJsonAsync()).GetProperty("errors").TryGetProperty("icon", out _));

        var created = await admin.PutAsJsonAsync("/api/admin/categories/drainase", new { body.nameId, body.nameEn, body.opd, body.verifyDays, body.responseDays, body.resolveDays, icon = "water" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains((await (await _citizen.GetAsync("/api/categories")).ReadJsonAsync()).EnumerateArray(), c => c.GetProperty("code").GetString() == "drainase");
        var ticket = await _citizen.FileAsync(0.0652, 100.058, "drainase", "Saluran tersumbat");
        Assert.Equal("pupr", (await DetailAsync(ticket)).GetProperty("complaint").GetProperty("opd").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_retired_category_takes_no_new_complaints_and_leaves_the_citizens_list_but_its_complaints_stay()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var filed = await _citizen.FileAsync(0.0658, 100.0571, "galian_kabel", "Galian kabel tidak ditutup");
        var category = await CategoryAsync(admin, "galian_kabel");

        var retired = await admin.PutAsJsonAsync("/api/admin/categories/galian_kabel", new
        {
            nameId = category.GetProperty("nameId").GetString(), nameEn = category.GetProperty("nameEn").GetString(), opd = "pupr",
            verifyDays = 2, responseDays = 3, resolveDays = 10, active = false,
        });

        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        Assert.False((await retired.ReadJsonAsync()).GetProperty("active").GetBoolean());
        Assert.DoesNotContain((await (await _citizen.GetAsync("/api/categories")).ReadJsonAsync()).EnumerateArray(),
            c => c.GetProperty("code").GetString() == "galian_kabel");
        var refused = await _citizen.PostRawJsonAsync("/api/complaints", Json.Complaint(0.0658, 100.0574, "galian_kabel", "Galian baru"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.True((await refused.ReadJsonAsync()).GetProperty("errors").TryGetProperty("category", out _));
        Assert.Equal("galian_kabel", (await DetailAsync(filed)).GetProperty("complaint").GetProperty("category").GetString());
        // Planners still filter the map by it.
        Assert.Equal(HttpStatusCode.OK, (await _citizen.GetAsync("/api/hotspots/kelurahan?category=galian_kabel")).StatusCode);

        // Absent, `active` keeps its value; true brings the category back.
        var stillRetired = await (await admin.PutAsJsonAsync("/api/admin/categories/galian_kabel", Body(category))).ReadJsonAsync();
        Assert.False(stillRetired.GetProperty("active").GetBoolean());
        var back = await admin.PutAsJsonAsync("/api/admin/categories/galian_kabel", new
        {
            nameId = category.GetProperty("nameId").GetString(), nameEn = category.GetProperty("nameEn").GetString(), opd = "pupr",
            verifyDays = 2, responseDays = 3, resolveDays = 10, active = true,
        });
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        await _citizen.FileAsync(0.0658, 100.0577, "galian_kabel", "Galian lagi");
    }

    [Fact]
    public async Task Opds_are_added_renamed_and_take_categories_and_staff()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var added = await admin.PostAsJsonAsync("/api/admin/opds", new { code = "bpbd", name = "Badan Penanggulangan Bencana Daerah", nameEn = "Disaster Management Agency" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var twice = await admin.PostAsJsonAsync("/api/admin/opds", new { code = "bpbd", name = "Lagi", nameEn = "Again" });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal("opd_exists", (await twice.ReadJsonAsync()).GetProperty("code").GetString());
        var badCode = await admin.PostAsJsonAsync("/api/admin/opds", new { code = "BPBD Kota", name = "X", nameEn = "X" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badCode.StatusCode);

        var renamed = await admin.PutAsJsonAsync("/api/admin/opds/bpbd", new { name = "BPBD Kota Tanjungpinang", nameEn = "City Disaster Management Agency" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var listed = Assert.Single((await (await admin.GetAsync("/api/admin/opds")).ReadJsonAsync()).EnumerateArray(), o => o.GetProperty("code").GetString() == "bpbd");
        Assert.Equal("BPBD Kota Tanjungpinang", listed.GetProperty("name").GetString());

        var category = await CategoryAsync(admin, "genangan_air");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/admin/categories/genangan_air", Body(category, opd: "bpbd"))).StatusCode);
        var ticket = await _citizen.FileAsync(0.0655, 100.0571, "genangan_air", "Banjir setinggi lutut");
        var opd = (await DetailAsync(ticket)).GetProperty("complaint").GetProperty("opd");
        Assert.Equal(("bpbd", "BPBD Kota Tanjungpinang"), (opd.GetProperty("code").GetString(), opd.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/users",
            new { email = $"bpbd.{Guid.NewGuid():N}"[..16] + "@uji.local", name = "Staf BPBD", role = "opd_staff", opd = "bpbd", password = "sandi-bpbd-2026" })).StatusCode);
    }

    private static object Body(JsonElement category, string? opd = null, int? verifyDays = null, int? responseDays = null, int? resolveDays = null,
        string? nameEn = null) => new
    {
        nameId = category.GetProperty("nameId").GetString(),
        nameEn = nameEn ?? category.GetProperty("nameEn").GetString(),
        opd = opd ?? category.GetProperty("opd").GetString(),
        verifyDays = verifyDays ?? category.GetProperty("verifyDays").GetInt32(),
        responseDays = responseDays ?? category.GetProperty("responseDays").GetInt32(),
        resolveDays = resolveDays ?? category.GetProperty("resolveDays").GetInt32(),
    };

    private static async Task<JsonElement> CategoryAsync(HttpClient admin, string code) =>
        Assert.Single((await (await admin.GetAsync("/api/admin/categories")).ReadJsonAsync()).EnumerateArray(), c => c.GetProperty("code").GetString() == code);

    private async Task<JsonElement> DetailAsync(string ticket)
    {
        var response = await _citizen.GetAsync($"/api/complaints/{ticket}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }
}
