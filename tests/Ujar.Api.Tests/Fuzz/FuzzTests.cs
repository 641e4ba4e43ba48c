using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Accounts;
using Ujar.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ujar.Api.Tests.Fuzz;

/// <summary>
/// Every route the service maps, found in its <see cref="EndpointDataSource"/> (a route added later is fuzzed too, and
/// this test fails until it has a seed), gets <see cref="RequestsPerSeed"/> generated bad requests per seed
/// (<see cref="FuzzRequests"/>), anonymous and signed in per role. No answer may be a 5xx or take longer than
/// <see cref="Patience"/>, and every 4xx must be a ProblemDetails with <c>title</c> and <c>titleEn</c> (Open311: the
/// spec's error list). Seeded and sequential, so a run is reproducible: <c>UJAR_FUZZ_SEED=n</c> replays seed n.
/// The service has a database of its own here, so what the fuzzer files or changes touches no other test.
/// </summary>
public sealed class FuzzTests(HostileCityApp city, ITestOutputHelper output) : IClassFixture<HostileCityApp>
{
    public const int DefaultSeed = 20261207;
    public const int RequestsPerSeed = 48;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private const string Staff = Roles.OpdStaff, Admin = Roles.Admin;
    private static readonly string?[] Public = [null, null, null, Staff];
    private static readonly string?[] StaffAndAdmin = FuzzContext.StaffCallers;

    private static Dictionary<string, Kind> K(params (string Name, Kind Kind)[] parameters) => parameters.ToDictionary(p => p.Name, p => p.Kind);

    private static readonly Dictionary<string, Kind> ComplaintFilters =
        K(("bbox", Kind.Bbox), ("category", Kind.Categories), ("status", Kind.Statuses), ("from", Kind.Date), ("to", Kind.Date));

    private static readonly Dictionary<string, Kind> HotspotFilters = K(("category", Kind.Categories), ("status", Kind.Statuses),
        ("days", Kind.Int), ("from", Kind.Date), ("to", Kind.Date), ("season", Kind.Season), ("format", Kind.Format));

    private static Dictionary<string, Kind> With(Dictionary<string, Kind> shared, params (string Name, Kind Kind)[] more) =>
        shared.Select(p => (p.Key, p.Value)).Concat(more).ToDictionary(p => p.Item1, p => p.Item2);

    private static readonly (string, string)[] ComplaintMembers =
    [
        ("lat", "0.065"), ("lon", "100.055"), ("category", "\"sampah\""), ("description", "\"Sampah menumpuk\""),
        ("contact", "{\"name\":\"Siti\",\"phone\":\"0812\",\"email\":\"siti@contoh.id\"}"), ("anonymous", "false"),
    ];

    private static readonly (string, string)[] StatusMembers =
    [
        ("to", "\"verified\""), ("note", "\"Sudah dicek\""), ("internalNote", "\"Prioritas\""), ("original", "\"UJR-2026-000001\""),
        ("opd", "\"dlh\""), ("version", "1"), ("lat", "0.065"), ("lon", "100.055"), ("assignee", "\"akun-petugas\""),
    ];

    /// <summary>One seed per route (two where a route takes two kinds of body). A new route needs one here.</summary>
    public static readonly RouteSeed[] Seeds =
    [
        new("GET", "/healthz"), new("GET", "/healthz/live"), new("GET", "/healthz/ready"),
        new("GET", "/api/config"), new("GET", "/manifest.webmanifest"),
        new("GET", "/openapi/v1.json"),
        new("GET", "/") { Callers = Public },
        new("GET", "/lacak/{ticket}") { Path = K(("ticket", Kind.Ticket)) },
        new("GET", "/perencana"), new("GET", "/masuk"), new("GET", "/petugas"), new("GET", "/opd"), new("GET", "/kinerja"),

        new("POST", "/api/auth/login", BodyKind.Json) { Query = K(("cookie", Kind.Bool)), Members = [("email", "\"siapa@uji.local\""), ("password", "\"kata-sandi-1\"")] },
        new("POST", "/api/auth/refresh", BodyKind.Json) { Members = [("refreshToken", "\"0123456789abcdef0123456789abcdef.AAAA\"")] },
        new("POST", "/api/auth/logout"),
        new("GET", "/api/auth/me") { Callers = StaffAndAdmin },

        new("GET", "/api/admin/users") { Callers = StaffAndAdmin },
        new("POST", "/api/admin/users", BodyKind.Json)
        {
            Callers = StaffAndAdmin,
            Members = [("email", "\"baru@uji.local\""), ("name", "\"Baru\""), ("role", "\"crew\""), ("opd", "\"pupr\""), ("password", "\"kata-sandi-123\"")],
        },
        new("PATCH", "/api/admin/users/{id}", BodyKind.Json)
        {
            Callers = StaffAndAdmin, Path = K(("id", Kind.UserId)),
            Members = [("name", "\"Nama Baru\""), ("role", "\"admin\""), ("opd", "null"), ("disabled", "false")],
        },
        // Never the fuzzer's own id here: a new password for its admin would end that admin's sign-in for the rest of the run.
        new("POST", "/api/admin/users/{id}/password", BodyKind.Json) { Callers = StaffAndAdmin, Path = K(("id", Kind.Text)), Members = [("password", "\"kata-sandi-456\"")] },
        new("GET", "/api/admin/categories") { Callers = StaffAndAdmin },
        new("PUT", "/api/admin/categories/{code}", BodyKind.Json)
        {
            Callers = StaffAndAdmin, Path = K(("code", Kind.Category)),
            Members =
            [
                ("nameId", "\"Sampah\""), ("nameEn", "\"Rubbish\""), ("opd", "\"dlh\""), ("verifyDays", "1"), ("responseDays", "2"),
                ("resolveDays", "5"), ("icon", "\"sampah\""), ("sortOrder", "10"), ("active", "true"),
            ],
        },
        new("GET", "/api/admin/opds") { Callers = StaffAndAdmin },
        new("POST", "/api/admin/opds", BodyKind.Json) { Callers = StaffAndAdmin, Members = [("code", "\"dinas_fuzz\""), ("name", "\"Dinas\""), ("nameEn", "\"Office\"")] },
        new("PUT", "/api/admin/opds/{code}", BodyKind.Json)
        {
            Callers = StaffAndAdmin, Path = K(("code", Kind.Opd)), Members = [("code", "\"pupr\""), ("name", "\"Dinas PUPR\""), ("nameEn", "\"Public works\"")],
        },
        new("GET", "/api/admin/holidays") { Callers = StaffAndAdmin, Query = K(("year", Kind.Int)) },
        new("POST", "/api/admin/holidays", BodyKind.Json)
        {
            Callers = StaffAndAdmin,
            Members = [("date", "\"2026-12-26\""), ("nameId", "\"Libur\""), ("nameEn", "\"Holiday\""), ("kind", "\"cuti_bersama\"")],
        },
        new("DELETE", "/api/admin/holidays/{date}") { Callers = StaffAndAdmin, Path = K(("date", Kind.Day)) },
        new("GET", "/api/admin/channel-keys/") { Callers = StaffAndAdmin },
        new("POST", "/api/admin/channel-keys/", BodyKind.Json) { Callers = StaffAndAdmin, Members = [("name", "\"sistem-lain\""), ("channel", "\"open311\"")] },
        new("DELETE", "/api/admin/channel-keys/{name}") { Callers = StaffAndAdmin, Path = K(("name", Kind.KeyName)) },

        new("GET", "/api/route") { Callers = Public, Query = K(("lat", Kind.Lat), ("lon", Kind.Lon), ("category", Kind.Category)) },
        new("GET", "/api/complaints/") { Callers = Public, Query = With(ComplaintFilters, ("limit", Kind.Int), ("cursor", Kind.Cursor)) },
        new("POST", "/api/complaints/", BodyKind.Json) { Members = ComplaintMembers },
        new("POST", "/api/complaints/", BodyKind.ComplaintForm) { Members = ComplaintMembers },
        new("GET", "/api/complaints/{ticket}") { Callers = Public, Path = K(("ticket", Kind.Ticket)) },
        new("GET", "/api/complaints/clusters") { Callers = Public, Query = With(ComplaintFilters, ("zoom", Kind.Int)) },
        new("POST", "/api/complaints/{ticket}/answer", BodyKind.Json) { Path = K(("ticket", Kind.Ticket)), Members = [("resolved", "false"), ("note", "\"Belum\"")] },
        new("GET", "/api/statuses"),
        new("POST", "/api/complaints/{ticket}/photos", BodyKind.PhotoForm) { Path = K(("ticket", Kind.Ticket)) },
        new("GET", "/media/photos/{file}") { Path = K(("file", Kind.PhotoFile)) },
        new("GET", "/api/complaints/nearby") { Query = K(("lat", Kind.Lat), ("lon", Kind.Lon), ("category", Kind.Category), ("radius", Kind.Int)) },
        new("POST", "/api/complaints/{ticket}/support") { Path = K(("ticket", Kind.Ticket)) },
        new("GET", "/api/events") { Query = K(("after", Kind.Seq), ("bbox", Kind.Bbox), ("ticket", Kind.Ticket), ("limit", Kind.Int)) },

        new("GET", "/api/staff/complaints/")
        {
            Callers = StaffAndAdmin,
            Query = K(("status", Kind.Statuses), ("overdue", Kind.Bool), ("needsReview", Kind.Bool), ("opd", Kind.Opd), ("limit", Kind.Int), ("offset", Kind.Int),
                ("category", Kind.Category), ("kelurahan", Kind.Text), ("dueBy", Kind.Day), ("q", Kind.Text), ("sort", Kind.Text)),
        },
        new("GET", "/api/staff/crew") { Callers = StaffAndAdmin, Query = K(("opd", Kind.Opd)) },
        new("GET", "/api/staff/complaints/{ticket}") { Callers = StaffAndAdmin, Path = K(("ticket", Kind.Ticket)) },
        new("POST", "/api/staff/complaints/{ticket}/status", BodyKind.Json) { Callers = StaffAndAdmin, Path = K(("ticket", Kind.Ticket)), Members = StatusMembers },
        new("POST", "/api/staff/complaints/{ticket}/status", BodyKind.StatusForm) { Callers = StaffAndAdmin, Path = K(("ticket", Kind.Ticket)), Members = StatusMembers },
        new("GET", "/api/tasks/nearby")
        {
            Callers = StaffAndAdmin, Query = K(("lat", Kind.Lat), ("lon", Kind.Lon), ("radius", Kind.Int), ("limit", Kind.Int), ("opd", Kind.Opd)),
        },

        new("GET", "/api/hotspots/hex") { Callers = Public, Query = With(HotspotFilters, ("cell", Kind.Int), ("band", Kind.Int), ("fdr", Kind.Bool)) },
        new("GET", "/api/hotspots/trend") { Callers = Public, Query = With(HotspotFilters, ("cell", Kind.Int), ("band", Kind.Int), ("fdr", Kind.Bool)) },
        new("GET", "/api/hotspots/clusters") { Callers = Public, Query = With(HotspotFilters, ("eps", Kind.Int), ("minPoints", Kind.Int), ("members", Kind.Bool)) },
        new("GET", "/api/hotspots/kelurahan") { Callers = Public, Query = HotspotFilters },
        new("GET", "/api/hotspots/weekly") { Callers = Public, Query = HotspotFilters },
        new("GET", "/api/performance") { Query = K(("from", Kind.Day), ("to", Kind.Day), ("format", Kind.Format)) },
        new("GET", "/api/performance.csv") { Query = K(("from", Kind.Day), ("to", Kind.Day)) },
        new("GET", "/api/boundaries") { Query = K(("level", Kind.Level)) },
        new("GET", "/api/categories"),

        new("GET", "/open311/v2/discovery.{format}", Refusals: Refusals.Open311) { Path = K(("format", Kind.Open311Format)), Query = K(("jurisdiction_id", Kind.Text)) },
        new("GET", "/open311/v2/services.{format}", Refusals: Refusals.Open311) { Path = K(("format", Kind.Open311Format)), Query = K(("jurisdiction_id", Kind.Text)) },
        new("GET", "/open311/v2/services/{code}.{format}", Refusals: Refusals.Open311) { Path = K(("code", Kind.Category), ("format", Kind.Open311Format)) },
        new("GET", "/open311/v2/requests.{format}", Refusals: Refusals.Open311)
        {
            Path = K(("format", Kind.Open311Format)),
            Query = K(("service_request_id", Kind.Ticket), ("service_code", Kind.Categories), ("status", Kind.Statuses), ("start_date", Kind.Date),
                ("end_date", Kind.Date), ("page", Kind.Int), ("page_size", Kind.Int), ("jurisdiction_id", Kind.Text)),
        },
        new("POST", "/open311/v2/requests.{format}", BodyKind.Open311Form, Refusals.Open311) { Path = K(("format", Kind.Open311Format)), Query = K(("jurisdiction_id", Kind.Text)) },
        new("GET", "/open311/v2/requests/{id}.{format}", Refusals: Refusals.Open311) { Path = K(("id", Kind.Ticket), ("format", Kind.Open311Format)) },
        new("GET", "/open311/v2/tokens/{token}.{format}", Refusals: Refusals.Open311) { Path = K(("token", Kind.Text), ("format", Kind.Open311Format)) },
        new("GET", "/open311/v2/servicerequestupdates.{format}", Refusals: Refusals.Open311)
        {
            Path = K(("format", Kind.Open311Format)), Query = K(("start_date", Kind.Date), ("end_date", Kind.Date)),
        },
        new("GET", "/open311/v2/{**path}", Refusals: Refusals.Open311) { Path = K(("path", Kind.Path)) },

        new("GET", "/webhooks/whatsapp") { Query = K(("hub.mode", Kind.Text), ("hub.verify_token", Kind.Text), ("hub.challenge", Kind.Int)) },
        new("POST", "/webhooks/whatsapp", BodyKind.Webhook),

        new("POST", "/hubs/live/negotiate", Refusals: Refusals.Protocol) { Callers = Public, Query = K(("negotiateVersion", Kind.Int), ("access_token", Kind.Text)) },
        new("GET", "/hubs/live", Refusals: Refusals.Protocol) { Callers = Public, Query = K(("id", Kind.Text), ("access_token", Kind.Text)) },
    ];

    [Fact]
    public async Task Every_route_answers_thousands_of_bad_requests_without_a_5xx_and_refuses_them_in_its_own_format()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("UJAR_FUZZ_SEED"), out var given) ? given : DefaultSeed;
        output.WriteLine($"Fuzz seed {seed} (set UJAR_FUZZ_SEED to replay another)");
        AssertEverySeedMatchesARouteAndEveryRouteHasASeed();

        var context = new FuzzContext(city.Ticket, city.ReporterToken, city.ApiKey, await AdminIdAsync());
        var clients = new Dictionary<string, HttpClient>();
        foreach (var role in FuzzContext.StaffCallers.OfType<string>()) clients[role] = await city.As(role);
        using var anonymous = city.App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

        var failures = new List<(string Route, int Status, string Detail)>();
        var statuses = new SortedDictionary<int, int>();
        var clock = Stopwatch.StartNew();
        foreach (var route in Seeds)
        {
            // One stream per seed and route, so adding a route leaves every other route's requests as they were.
            var requests = new FuzzRequests(new Random(seed ^ StableHash($"{route.Method} {route.Pattern} {route.Body}")), context);
            for (var i = 0; i < RequestsPerSeed; i++)
            {
                var request = requests.Make(route);
                var client = request.Caller is null ? anonymous : clients[request.Caller];
                using var timeout = new CancellationTokenSource(Patience);
                try
                {
                    using var response = await client.SendAsync(request.ToMessage(), timeout.Token);
                    statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
                    if (await WhatIsWrongAsync(response, route.Refusals) is { } wrong)
                        failures.Add(($"{route.Method} {route.Pattern}", (int)response.StatusCode, $"#{i}: {wrong}\n    {request}"));
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    failures.Add(($"{route.Method} {route.Pattern}", 0, $"#{i}: no answer within {Patience.TotalSeconds} s\n    {request}"));
                }
            }
        }

        var total = Seeds.Length * RequestsPerSeed;
        output.WriteLine($"{total} requests to {Seeds.Length} seeds in {clock.Elapsed.TotalSeconds:0.0} s; statuses: "
                         + string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}")));
        // Per route: how many and which statuses, then the first wrong answer with the request that got it.
        var byRoute = failures.GroupBy(f => f.Route).Select(g =>
            $"{g.Key}: {g.Count()} wrong ({string.Join(", ", g.GroupBy(f => f.Status).Select(s => $"{s.Key}×{s.Count()}"))}), first {g.First().Detail}");
        Assert.True(failures.Count == 0,
            $"Seed {seed}: {failures.Count} of {total} answers were wrong, on {failures.Select(f => f.Route).Distinct().Count()} routes:\n"
            + string.Join("\n", byRoute));
    }

    /// <summary>Null when the answer is acceptable; else what is wrong with it.</summary>
    private static async Task<string?> WhatIsWrongAsync(HttpResponseMessage response, Refusals refusals)
    {
        var status = (int)response.StatusCode;
        var type = response.Content.Headers.ContentType?.MediaType;
        var text = await response.Content.ReadAsStringAsync();
        var answer = $"{status} {type}: {(text.Length > 300 ? text[..300] + "…" : text)}";
        if (status >= 500) return answer;
        if (status < 400 || refusals == Refusals.Protocol) return null;
        try
        {
            if (refusals == Refusals.Open311)
                return type switch
                {
                    "application/json" => JsonDocument.Parse(text).RootElement.EnumerateArray()
                        .All(e => e.GetProperty("code").GetInt32() == status && e.GetProperty("description").GetString() is { Length: > 0 }) ? null : answer,
                    "text/xml" => XDocument.Parse(text).Root is { Name.LocalName: "errors" } root && root.Elements("error").Any()
                                  && root.Elements("error").All(e => (int?)e.Element("code") == status && (string?)e.Element("description") is { Length: > 0 })
                        ? null : answer,
                    _ => answer,
                };
            if (type != "application/problem+json") return answer;
            var problem = JsonDocument.Parse(text).RootElement;
            return problem.TryGetProperty("title", out var title) && title.GetString() is { Length: > 0 }
                   && problem.TryGetProperty("titleEn", out var titleEn) && titleEn.GetString() is { Length: > 0 }
                   && problem.GetProperty("status").GetInt32() == status
                ? null
                : answer;
        }
        catch (Exception ex) when (ex is JsonException or System.Xml.XmlException or InvalidOperationException or KeyNotFoundException)
        {
            return $"{answer} ({ex.GetType().Name})";
        }
    }

    private void AssertEverySeedMatchesARouteAndEveryRouteHasASeed()
    {
        var routes = city.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: e.RoutePattern.RawText ?? "", Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []))
            .ToList();
        bool Matches(RouteSeed seed, (string Pattern, IReadOnlyList<string> Methods) route) =>
            route.Pattern == seed.Pattern && (route.Methods.Count == 0 || route.Methods.Contains(seed.Method));
        var unseeded = routes.Where(r => !Seeds.Any(s => Matches(s, r))).Select(r => $"{string.Join('|', r.Methods)} {r.Pattern}").ToList();
        var stale = Seeds.Where(s => !routes.Any(r => Matches(s, r))).Select(s => $"{s.Method} {s.Pattern}").ToList();
        Assert.True(unseeded.Count == 0, "Routes without a fuzz seed (add one to FuzzTests.Seeds):\n" + string.Join("\n", unseeded));
        Assert.True(stale.Count == 0, "Fuzz seeds of routes that no longer exist:\n" + string.Join("\n", stale));
    }

    private async Task<string> AdminIdAsync()
    {
        var admin = await city.As(Admin);
        var email = (await (await admin.GetAsync("/api/auth/me")).ReadJsonAsync()).GetProperty("email").GetString();
        var users = await (await admin.GetAsync("/api/admin/users")).ReadJsonAsync();
        return users.EnumerateArray().Single(u => u.GetProperty("email").GetString() == email).GetProperty("id").GetString()!;
    }

    /// <summary>FNV-1a: string.GetHashCode differs per process, which would make runs irreproducible.</summary>
    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return (int)hash;
    }
}
