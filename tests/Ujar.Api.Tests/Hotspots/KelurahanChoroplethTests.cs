using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Ujar.Api.Hotspots;
using Ujar.Api.Routing;

namespace Ujar.Api.Tests.Hotspots;

/// <summary>The per-kelurahan choropleth against PostGIS: counts, areas in UTM 48N, and population as "no data" when missing.</summary>
public sealed class KelurahanChoroplethTests(DemoCityApp city) : IClassFixture<DemoCityApp>, IDisposable
{
    private readonly string _populationFile = Path.Combine(Path.GetTempPath(), $"ujar-population-{Guid.NewGuid():N}.csv");

    public void Dispose() => File.Delete(_populationFile);

    [Theory]
    [InlineData(null, null)]
    [InlineData("genangan_air", null)]
    [InlineData("sampah,jalan_rusak", "open")]
    public async Task Counts_sum_to_the_filtered_total_and_equal_SQL_per_kelurahan(string? category, string? status)
    {
        var (filter, _) = HotspotFilter.Parse(category, status, null, null, null, null, DateTime.UtcNow);
        var selection = city.Points.Current.Select(filter!);
        var router = city.App.Services.GetRequiredService<ComplaintRouter>();
        var layer = KelurahanChoropleth.Compute(selection, router.Kelurahan, new Dictionary<string, KelurahanChoropleth.Population>(), filter!.Echo);

        Assert.Equal(18, layer.Features.Count);
        Assert.Equal(selection.Count, layer.Members["total"]);
        Assert.Equal(0, layer.Members["unassigned"]);
        Assert.Equal(selection.Count, layer.Features.Sum(f => (int)f.Properties["count"]!));

        var ids = selection.Index.Select(i => selection.Set.Ids[i]).ToArray();
        var expected = await QueryAsync<int>("SELECT kelurahan_code, count(*)::int FROM complaints WHERE id = ANY($1) GROUP BY kelurahan_code", ids);
        foreach (var feature in layer.Features)
            Assert.Equal(expected.GetValueOrDefault((string)feature.Properties["code"]!), feature.Properties["count"]);
    }

    [Fact]
    public async Task Area_and_count_per_km2_follow_PostGIS_areas_in_UTM_48N()
    {
        var (filter, _) = HotspotFilter.Parse(null, null, null, null, null, null, DateTime.UtcNow);
        var router = city.App.Services.GetRequiredService<ComplaintRouter>();
        var layer = KelurahanChoropleth.Compute(city.Points.Current.Select(filter!), router.Kelurahan,
            new Dictionary<string, KelurahanChoropleth.Population>(), filter!.Echo);

        var areas = await QueryAsync<double>("""
            SELECT b.code, ST_Area(ST_Transform(b.geometry, 32648)) / 1e6
            FROM boundaries b JOIN boundary_generations g ON g.id = b.generation_id AND g.is_active
            WHERE b.level = 'Kelurahan'
            """);
        Assert.Equal(18, areas.Count);
        foreach (var feature in layer.Features)
        {
            var area = (double)feature.Properties["areaKm2"]!;
            var expectedArea = areas[(string)feature.Properties["code"]!];
            Assert.True(Math.Abs(area - expectedArea) < expectedArea * 1e-4, $"{feature.Properties["code"]}: {area} km² vs PostGIS {expectedArea} km²");
            Assert.Equal((int)feature.Properties["count"]! / area, (double)feature.Properties["perKm2"]!, 9);
        }
    }

    [Fact]
    public void Population_gives_per_1000_and_a_missing_or_unreadable_figure_is_no_data_never_zero()
    {
        File.WriteAllText(_populationFile, """
            code,name,population,year,source
            21.72.03.1005,Kampung Bugis,12000,2024,test figure
            21.72.01.1002,Kemboja,,,
            21.72.04.1002,Dompak,about 9000,2024,test figure
            """);
        var population = KelurahanChoropleth.ReadPopulation(_populationFile, NullLogger.Instance);
        Assert.Equal(new[] { new KelurahanChoropleth.Population(12000, 2024) }, population.Values);

        var (filter, _) = HotspotFilter.Parse(null, null, null, null, null, null, DateTime.UtcNow);
        var router = city.App.Services.GetRequiredService<ComplaintRouter>();
        var layer = KelurahanChoropleth.Compute(city.Points.Current.Select(filter!), router.Kelurahan, population, filter!.Echo);
        var byCode = layer.Features.ToDictionary(f => (string)f.Properties["code"]!, f => f.Properties);

        var bugis = byCode["21.72.03.1005"];
        Assert.Equal(12000, bugis["population"]);
        Assert.Equal(2024, bugis["populationYear"]);
        Assert.True((int)bugis["count"]! > 0);
        Assert.Equal((int)bugis["count"]! * 1000.0 / 12000, (double)bugis["per1000"]!, 9);
        foreach (var code in new[] { "21.72.01.1002", "21.72.04.1002", "21.72.02.1004" })
        {
            Assert.Null(byCode[code]["population"]);
            Assert.Null(byCode[code]["per1000"]);
        }
    }

    [Fact]
    public void The_shipped_population_table_names_all_18_kelurahan_and_invents_no_figure()
    {
        var path = Path.Combine(Infrastructure.TestPaths.TanjungpinangCity, "population.csv");
        var rows = Api.Setup.Csv.ReadFile(path);
        var router = city.App.Services.GetRequiredService<ComplaintRouter>();
        Assert.Equal(router.Kelurahan.Select(k => k.Kelurahan.Code).Order(), rows.Select(r => r["code"]).Order());
        Assert.All(rows, r => Assert.Equal("", r["population"]));
        Assert.Empty(KelurahanChoropleth.ReadPopulation(path, NullLogger.Instance));
    }

    [Fact]
    public async Task The_api_answers_the_layer_as_GeoJSON_and_CSV_with_the_configured_population_file()
    {
        File.WriteAllText(_populationFile, "code,name,population,year,source\n21.72.03.1005,Kampung Bugis,12000,2024,test figure\n");
        await using var app = new Infrastructure.UjarApp(city.App.ConnectionString,
            new Dictionary<string, string> { [KelurahanChoropleth.PopulationFileSetting] = _populationFile });
        var client = app.CreateClient();

        var response = await client.GetAsync("/api/hotspots/kelurahan?category=sampah");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var body = await Infrastructure.Json.ReadJsonAsync(response);
        var features = body.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties")).ToList();
        Assert.Equal(18, features.Count);
        Assert.Equal("sampah", body.GetProperty("filter").GetProperty("category").GetString());
        Assert.Equal(body.GetProperty("total").GetInt32(), features.Sum(p => p.GetProperty("count").GetInt32()));
        await using var db = city.App.NewDb();
        Assert.Equal(await db.Complaints.CountAsync(c => c.CategoryCode == "sampah"), body.GetProperty("total").GetInt32());
        var bugis = features.Single(p => p.GetProperty("code").GetString() == "21.72.03.1005");
        Assert.Equal(12000, bugis.GetProperty("population").GetInt32());
        Assert.Equal(bugis.GetProperty("count").GetInt32() * 1000.0 / 12000, bugis.GetProperty("per1000").GetDouble(), 9);
        var kemboja = features.Single(p => p.GetProperty("code").GetString() == "21.72.01.1002");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, kemboja.GetProperty("population").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, kemboja.GetProperty("per1000").ValueKind);

        var csv = await client.GetAsync("/api/hotspots/kelurahan?category=sampah&format=csv&lang=en");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var csvFile = _populationFile + ".answer.csv";
        await File.WriteAllTextAsync(csvFile, await csv.Content.ReadAsStringAsync());
        var rows = Api.Setup.Csv.ReadFile(csvFile);
        File.Delete(csvFile);
        Assert.Equal(features.Select(p => (p.GetProperty("code").GetString(), p.GetProperty("count").GetRawText(), p.GetProperty("perKm2").GetRawText())),
            rows.Select(r => ((string?)r["code"], r["count"], r["perKm2"])));
        // No data stays empty in CSV too, never 0.
        Assert.Equal("", rows.Single(r => r["code"] == "21.72.01.1002")["per1000"]);
        Assert.Equal(bugis.GetProperty("per1000").GetRawText(), rows.Single(r => r["code"] == "21.72.03.1005")["per1000"]);
    }

    private async Task<Dictionary<string, T>> QueryAsync<T>(string sql, long[]? ids = null)
    {
        await using var connection = new NpgsqlConnection(city.App.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (ids is not null) command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
        var result = new Dictionary<string, T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result[reader.GetString(0)] = reader.GetFieldValue<T>(1);
        return result;
    }
}
