using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Ujar.Api.Accounts;
using Ujar.Api.Complaints;
using Ujar.Api.Supports;
using Ujar.Api.Tasks;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Live;
using Ujar.Api.Tests.Photos;

namespace Ujar.Api.Tests.Tasks;

/// <summary>A crew's nearby open tasks: its own database, so the only complaints are the ones laid out here around a crew
/// standing at (0.045, 100.05).</summary>
public sealed class NearbyTasksTests(NearbyTasksTests.City city) : IClassFixture<NearbyTasksTests.City>
{
    private const double Lat = 0.045, Lon = 100.05;
    private const string Dishub = "dishub";

    /// <summary>Open pupr complaints at increasing distances, plus ones the crew must not see.</summary>
    public sealed class City : IAsyncLifetime
    {
        public TasksCityApp Tasks { get; } = new();
        public List<(string Ticket, double Lat, double Lon)> OwnOpen { get; } = [];
        public string OtherOpdTicket { get; private set; } = "";
        public string ClosedTicket { get; private set; } = "";

        public async Task InitializeAsync()
        {
            await Tasks.InitializeAsync();
            // Filed out of distance order, so an answer in filing order cannot pass.
            var tokens = new List<string>();
            foreach (var (lat, lon) in new[] { (0.045, 100.04), (0.0455, 100.05), (0.042, 100.0505), (0.065, 100.075), (0.045, 100.0525) })
            {
                var (ticket, token) = await Tasks.FileAsync(lat, lon, "jalan_rusak", $"Jalan rusak {lat} {lon}");
                OwnOpen.Add((ticket, lat, lon));
                tokens.Add(token);
            }
            await Tasks.App.ReachStatusAsync(OwnOpen[2].Ticket, ComplaintStatus.InProgress);
            await Tasks.App.ReachStatusAsync(OwnOpen[4].Ticket, ComplaintStatus.Reopened);
            OtherOpdTicket = (await Tasks.FileAsync(0.0451, 100.0501, "sampah", "Sampah, urusan DLH")).Ticket;
            ClosedTicket = (await Tasks.FileAsync(0.0452, 100.05, "jalan_rusak", "Sudah ditambal")).Ticket;
            await Tasks.App.ReachStatusAsync(ClosedTicket, ComplaintStatus.Resolved);
            PhotoTicket = OwnOpen[1].Ticket;
            PhotoThumbUrl = await AddPhotoAsync(PhotoTicket, tokens[1]);
        }

        public string PhotoTicket { get; private set; } = "";
        public string PhotoThumbUrl { get; private set; } = "";

        /// <summary>The reporter adds a photo later, from the tracking page; returns its thumbnail's address.</summary>
        private async Task<string> AddPhotoAsync(string ticket, string token)
        {
            var form = new MultipartFormDataContent();
            var photo = new ByteArrayContent(TestImages.Jpeg(320, 240, TestImages.RedLeftBlueRight));
            photo.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(photo, "photos", "foto.jpg");
            var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/complaints/{ticket}/photos") { Content = form };
            upload.Headers.Add("X-Reporter-Token", token);
            var added = await (await Tasks.App.CreateClient().SendAsync(upload)).ReadJsonAsync();
            return added.GetProperty("photos")[0].GetProperty("thumbUrl").GetString()!;
        }

        public Task DisposeAsync() => Tasks.DisposeAsync();
    }

    [Fact]
    public async Task Own_OPD_open_tasks_come_nearest_first_with_true_distances()
    {
        var items = await NearbyAsync(await city.Tasks.Crew(), "");

        var expected = city.OwnOpen.Select(t => (t.Ticket, Meters: MetersBetween(Lat, Lon, t.Lat, t.Lon))).OrderBy(t => t.Meters).ToList();
        Assert.Equal(expected.Select(t => t.Ticket), items.Select(i => i.GetProperty("ticket").GetString()));
        foreach (var (item, want) in items.Zip(expected))
        {
            var got = item.GetProperty("distanceMeters").GetDouble();
            Assert.True(Math.Abs(got - want.Meters) <= want.Meters * 0.005, $"{want.Ticket}: {got} m, expected {want.Meters:F1} m");
        }
        var statuses = items.Select(i => i.GetProperty("status").GetString()).ToList();
        Assert.Contains("in_progress", statuses);
        Assert.Contains("reopened", statuses);
        Assert.All(items, i =>
        {
            Assert.Equal("jalan_rusak", i.GetProperty("category").GetString());
            Assert.Equal(JsonValueKind.Object, i.GetProperty("deadline").ValueKind);
            Assert.StartsWith("Jalan rusak", i.GetProperty("description").GetString());
        });
    }

    [Fact]
    public async Task The_radius_and_the_limit_are_honoured()
    {
        var crew = await city.Tasks.Crew();
        var within500 = city.OwnOpen.Where(t => MetersBetween(Lat, Lon, t.Lat, t.Lon) <= 500).Select(t => t.Ticket).ToHashSet();
        Assert.Equal(3, within500.Count);

        Assert.Equal(within500, (await NearbyAsync(crew, "&radius=500")).Select(i => i.GetProperty("ticket").GetString()!).ToHashSet());
        var two = await NearbyAsync(crew, "&limit=2");
        Assert.Equal(2, two.Count);
        Assert.All(two, i => Assert.True(i.GetProperty("distanceMeters").GetDouble() <= 500));
    }

    [Fact]
    public async Task Other_OPDs_and_finished_complaints_are_not_tasks_of_this_crew_but_admins_see_every_OPD()
    {
        var crewTickets = (await NearbyAsync(await city.Tasks.Crew(), "")).Select(i => i.GetProperty("ticket").GetString()).ToList();
        Assert.DoesNotContain(city.OtherOpdTicket, crewTickets);
        Assert.DoesNotContain(city.ClosedTicket, crewTickets);

        var admin = await city.Tasks.Admin();
        var all = await NearbyAsync(admin, "");
        Assert.Equal(city.OtherOpdTicket, all[0].GetProperty("ticket").GetString());
        Assert.DoesNotContain(city.ClosedTicket, all.Select(i => i.GetProperty("ticket").GetString()));
        Assert.Equal([city.OtherOpdTicket], (await NearbyAsync(admin, "&opd=dlh")).Select(i => i.GetProperty("ticket").GetString()));
        Assert.Equal([city.OtherOpdTicket], (await NearbyAsync(await city.Tasks.Crew(TasksCityApp.OtherOpd), "")).Select(i => i.GetProperty("ticket").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await (await city.Tasks.Crew()).GetAsync($"/api/tasks/nearby?lat={Lat}&lon={Lon}&opd=dlh")).StatusCode);
    }

    [Fact]
    public async Task A_task_shows_the_thumbnail_of_the_reporters_first_photo()
    {
        var items = await NearbyAsync(await city.Tasks.Crew(), "");
        Assert.Equal(city.PhotoThumbUrl, items.Single(i => i.GetProperty("ticket").GetString() == city.PhotoTicket).GetProperty("thumbUrl").GetString());
        Assert.All(items.Where(i => i.GetProperty("ticket").GetString() != city.PhotoTicket),
            i => Assert.Equal(JsonValueKind.Null, i.GetProperty("thumbUrl").ValueKind));
    }

    [Fact]
    public async Task Neighbours_that_the_sphere_and_the_ellipsoid_order_differently_come_in_the_order_of_the_distance_shown()
    {
        // Street lights (Dishub, no other task of theirs here), a crew at Here. East stands 150 m away on the sphere PostGIS's index uses,
        // North 0.3% more degrees away: the sphere puts East first, but on the WGS 84 ellipsoid a degree of latitude at
        // the equator is 0.7% shorter than one of longitude, so North is about half a metre nearer, as the list shows.
        const double hereLat = 0.012, hereLon = 100.012, degrees = 150 / 6371008.8 * 180 / Math.PI;
        var east = (await city.Tasks.FileAsync(hereLat, hereLon + degrees, "penerangan_jalan", "Lampu mati timur")).Ticket;
        var north = (await city.Tasks.FileAsync(hereLat + degrees * 1.003, hereLon, "penerangan_jalan", "Lampu mati utara")).Ticket;
        // An admin has no assignments of their own to come first, whatever the other tests assigned meanwhile.
        var crew = await city.Tasks.Admin();
        var at = $"/api/tasks/nearby?lat={hereLat}&lon={hereLon}&radius=1000&opd={Dishub}";

        await using (var connection = new NpgsqlConnection(city.Tasks.App.ConnectionString))
        {
            await connection.OpenAsync();
            // The premise: the index order (sphere) and the shown distance (ellipsoid) disagree on these two.
            await using var sphere = new NpgsqlCommand("""
                SELECT ticket, ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)::geography, false),
                       ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)::geography)
                FROM complaints WHERE ticket IN (@east, @north)
                ORDER BY location::geography <-> ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)::geography
                """, connection);
            sphere.Parameters.AddWithValue("lat", hereLat);
            sphere.Parameters.AddWithValue("lon", hereLon);
            sphere.Parameters.AddWithValue("east", east);
            sphere.Parameters.AddWithValue("north", north);
            var rows = new List<(string Ticket, double Sphere, double Ellipsoid)>();
            await using var reader = await sphere.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetDouble(1), reader.GetDouble(2)));
            Assert.Equal([east, north], rows.Select(r => r.Ticket));
            Assert.True(rows[0].Sphere < rows[1].Sphere && rows[0].Ellipsoid > rows[1].Ellipsoid + 0.3, string.Join("; ", rows));
        }

        var both = (await (await crew.GetAsync(at)).OkJsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([north, east], both.Select(i => i.GetProperty("ticket").GetString()));
        var shown = both.Select(i => i.GetProperty("distanceMeters").GetDouble()).ToList();
        Assert.True(shown[0] < shown[1], $"shown distances out of order: {string.Join(", ", shown)}");
        // The cut comes after the re-ranking: a page of one holds the nearer by the distance shown.
        var one = (await (await crew.GetAsync(at + "&limit=1")).OkJsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([north], one.Select(i => i.GetProperty("ticket").GetString()));
    }

    [Fact]
    public async Task A_crew_members_own_assignments_come_first_wherever_they_are_then_the_nearest()
    {
        // Dishub's street lights in Kelurahan Pulau: an assignment for this crew member 2 km away and open tasks nearer.
        const double hereLat = 0.062, hereLon = 100.08;
        var email = await city.Tasks.App.CreateAccountAsync(Roles.Crew, Dishub);
        var someoneElse = await city.Tasks.App.CreateAccountAsync(Roles.Crew, Dishub);
        string crewId, otherCrewId;
        await using (var db = city.Tasks.App.NewDb())
        {
            crewId = (await db.Users.SingleAsync(u => u.Email == email)).Id;
            otherCrewId = (await db.Users.SingleAsync(u => u.Email == someoneElse)).Id;
        }
        var crew = city.Tasks.App.CreateClient();
        var login = await crew.PostAsJsonAsync("/api/auth/login", new { email, password = TestAccounts.Password });
        crew.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await login.OkJsonAsync()).GetProperty("accessToken").GetString());

        var nearest = (await city.Tasks.FileAsync(hereLat, hereLon + 0.001, "penerangan_jalan", "Lampu mati dekat")).Ticket;
        var assignedElsewhere = (await city.Tasks.FileAsync(hereLat, hereLon - 0.0018, "penerangan_jalan", "Lampu mati, ditugaskan ke orang lain")).Ticket;
        var mine = (await city.Tasks.FileAsync(hereLat - 0.018, hereLon, "penerangan_jalan", "Lampu mati, ditugaskan")).Ticket;
        var staff = await city.Tasks.Staff(Dishub);
        // The people an assignment may name: the OPD's crew accounts.
        var listed = (await (await staff.GetAsync("/api/staff/crew")).OkJsonAsync()).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Contains(crewId, listed);
        Assert.Contains(otherCrewId, listed);
        foreach (var (ticket, assignee) in new[] { (mine, crewId), (assignedElsewhere, otherCrewId) })
        {
            await (await staff.ChangeAsync(ticket, new { to = "verified" })).OkJsonAsync();
            var assigned = await (await staff.ChangeAsync(ticket, new { to = "assigned", assignee })).OkJsonAsync();
            Assert.Equal("assigned", assigned.GetProperty("status").GetString());
        }

        var items = (await (await crew.GetAsync($"/api/tasks/nearby?lat={hereLat}&lon={hereLon}&radius=1000&limit=3")).OkJsonAsync())
            .GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([mine, nearest, assignedElsewhere], items.Select(i => i.GetProperty("ticket").GetString()));
        Assert.Equal([true, false, false], items.Select(i => i.GetProperty("assignedToMe").GetBoolean()));
        Assert.True(items[0].GetProperty("distanceMeters").GetDouble() > 1900);
        // Another crew member of the OPD, with no assignment, sees them nearest first.
        var others = (await (await (await city.Tasks.Crew(Dishub)).GetAsync($"/api/tasks/nearby?lat={hereLat}&lon={hereLon}&radius=1000&limit=2"))
            .OkJsonAsync()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("ticket").GetString());
        Assert.Equal([nearest, assignedElsewhere], others);
    }

    [Theory]
    [InlineData("lon=100.05", "lat")]
    [InlineData("lat=0.045", "lon")]
    [InlineData("lat=91&lon=100.05", "lat")]
    [InlineData("lat=0.045&lon=100.05&radius=50001", "radius")]
    [InlineData("lat=0.045&lon=100.05&radius=0", "radius")]
    [InlineData("lat=0.045&lon=100.05&radius=jauh", "radius")]
    [InlineData("lat=0.045&lon=100.05&limit=0", "limit")]
    [InlineData("lat=0.045&lon=100.05&limit=101", "limit")]
    public async Task Bad_parameters_are_a_422_naming_the_field(string query, string field)
    {
        var response = await (await city.Tasks.Crew()).GetAsync($"/api/tasks/nearby?{query}");
        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("pupr")]
    [InlineData(null)]
    public async Task The_query_walks_the_partial_OPD_and_geography_index_nearest_first(string? opd)
    {
        await using var connection = new NpgsqlConnection(city.Tasks.App.ConnectionString);
        await connection.OpenAsync();
        // A handful of rows makes a sequential scan cheapest; forbid it to see whether the index can serve the query at all.
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off", connection)) await off.ExecuteNonQueryAsync();
        await using var command = NearbyTasks.Command(connection, new NearbyTasks.Query(Lat, Lon, 5000, 20, opd));
        command.CommandText = "EXPLAIN " + command.CommandText;
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
        var text = string.Join("\n", plan);

        Assert.Contains("Index Scan using ix_complaints_open_location_geography on complaints", text);
        Assert.Contains("Order By: ((location)::geography <-> ", text);
        // The OPD is looked up in the index (it leads it), not filtered from whatever the index hands over.
        var indexCondition = plan.FirstOrDefault(line => line.TrimStart().StartsWith("Index Cond:"));
        if (opd is not null) Assert.Contains("opd_code", indexCondition);
        // No sort of the open complaints: the index hands them over nearest first (the photo subplan may sort its few rows).
        Assert.DoesNotContain("Sort", text.Split("SubPlan")[0]);
    }

    [Fact]
    public void The_benchmark_runs_the_crew_members_query_word_for_word()
    {
        using var command = NearbyTasks.Command(null!, new NearbyTasks.Query(Lat, Lon, 5000, 20, "pupr", "akun"));
        var ours = System.Text.RegularExpressions.Regex.Replace(command.CommandText, @"@(\w+)", m => ":" + (m.Groups[1].Value == "limit" ? "lim" : m.Groups[1].Value));
        var script = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "tests", "Ujar.Benchmarks", "nearby.sql"))
            .Where(line => !line.StartsWith("--") && !line.StartsWith('\\'));
        static string Words(string sql) => System.Text.RegularExpressions.Regex.Replace(sql, @"\s+", " ").Trim().TrimEnd(';');
        Assert.Equal(Words(ours), Words(string.Join("\n", script)));
    }

    [Fact]
    public void The_query_names_exactly_the_open_statuses()
    {
        var open = $"c.status IN ({string.Join(", ", SupportsApi.OpenStatuses.Select(s => $"'{s}'"))})";
        Assert.Equal(NearbyTasks.OpenPredicate, open);
    }

    private async Task<List<JsonElement>> NearbyAsync(HttpClient client, string extra) =>
        (await (await client.GetAsync($"/api/tasks/nearby?lat={Lat}&lon={Lon}{extra}")).OkJsonAsync()).GetProperty("items").EnumerateArray().ToList();

    /// <summary>Distance on the WGS 84 ellipsoid from its local radii of curvature: exact to a few millimetres over the
    /// few kilometres of a city, and computed without PostGIS.</summary>
    private static double MetersBetween(double lat1, double lon1, double lat2, double lon2)
    {
        const double a = 6378137, f = 1 / 298.257223563, e2 = f * (2 - f);
        var phi = (lat1 + lat2) / 2 * Math.PI / 180;
        var w = 1 - e2 * Math.Sin(phi) * Math.Sin(phi);
        var meridian = a * (1 - e2) / Math.Pow(w, 1.5);
        var normal = a / Math.Sqrt(w);
        var north = meridian * (lat2 - lat1) * Math.PI / 180;
        var east = normal * Math.Cos(phi) * (lon2 - lon1) * Math.PI / 180;
        return Math.Sqrt(north * north + east * east);
    }
}
