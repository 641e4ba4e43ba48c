using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Precision;
using NetTopologySuite.Triangulate;

namespace Ujar.Benchmarks;

public sealed record NationalBoundariesOptions(string Out, int Count, int Seed)
{
    public static bool TryParse(string[] args, [NotNullWhen(true)] out NationalBoundariesOptions? options, out string error)
    {
        options = null;
        string? output = null;
        int count = 83_700, seed = 20261207;
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            if (value is null) { error = $"{args[i]} needs a value"; return false; }
            switch (args[i])
            {
                case "--out": output = value; break;
                case "--count" when int.TryParse(value, out count) && count >= 1_000: break;
                case "--seed" when int.TryParse(value, out seed): break;
                default: error = $"unknown option or bad value: {args[i]} {value}"; return false;
            }
        }
        if (output is null) { error = "--out FILE is required"; return false; }
        options = new NationalBoundariesOptions(Path.GetFullPath(output), count, seed);
        error = "";
        return true;
    }
}

/// <summary>
/// A made-up national kelurahan layer the size of Indonesia's (about 83,700 desa/kelurahan) for the national benchmark:
/// seeded random points over a hand-drawn, coarse outline of the archipelago's land (denser on Java), their Voronoi cells
/// clipped to the land, plus a few hundred small islands. Cells of one landmass share their Voronoi edges exactly, so
/// the layer has no overlaps and no gaps. Codes are Kemendagri-shaped (<c>PP.KK.CC.NNNN</c>): cells in Hilbert order are
/// cut into 38 provinces, ~500 kabupaten/kota and ~7,000 kecamatan, so each unit is a compact run of neighbours. The
/// output looks like the official file (<c>code</c>, <c>name</c>, <c>kecamatan_code</c>, <c>kecamatan</c>). Not real data.
/// </summary>
public static class NationalBoundaries
{
    private const int Kabupaten = 500;
    private const int Kecamatan = 7_000;
    private const int SmallIslands = 300;

    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    // Coordinates are cut to 1e-7° (1 cm): equal vertices of neighbours stay equal, and the file stays small.
    private static readonly PrecisionModel Stored = new(1e7);

    /// <summary>An island group: its provinces' codes, how much denser than average its villages are, and its landmasses (lon, lat).</summary>
    private sealed record Region(string Name, int[] Provinces, double Density, double[][] Landmasses);

    private static readonly Region[] Regions =
    [
        new("Sumatra", [11, 12, 13, 14, 15, 16, 17, 18, 19, 21], 1.3,
        [
            [95.2, 5.6, 97.5, 5.2, 98.7, 3.8, 100.3, 2.3, 101.4, 2.0, 103.4, 0.8, 103.8, -0.9, 104.5, -1.9, 105.8, -2.8, 105.9, -5.8,
             104.6, -5.9, 103.0, -4.5, 102.3, -3.9, 101.0, -2.3, 100.3, -0.9, 99.1, 0.3, 98.6, 1.8, 97.5, 2.7, 96.2, 4.3, 95.2, 5.2],
            [105.8, -1.5, 106.8, -2.6, 106.6, -3.1, 105.2, -2.1], // Bangka
            [107.6, -2.6, 108.3, -2.7, 108.2, -3.2, 107.6, -3.1], // Belitung
            [104.0, 1.1, 104.6, 1.1, 104.6, 0.8, 104.2, 0.8], // Bintan
        ]),
        new("Java", [31, 32, 33, 34, 35, 36], 5.5,
        [
            [105.2, -6.8, 106.0, -5.9, 106.8, -6.1, 108.3, -6.3, 110.4, -6.9, 111.0, -6.4, 112.6, -6.9, 114.4, -7.7, 114.4, -8.6,
             112.0, -8.3, 110.0, -8.1, 108.0, -7.8, 106.4, -7.4, 105.4, -6.9],
            [112.7, -6.85, 114.0, -6.85, 114.0, -7.05, 112.7, -7.0], // Madura (what Java's outline leaves of it)
        ]),
        new("Bali–Nusa Tenggara", [51, 52, 53], 1.8,
        [
            [114.45, -8.1, 115.2, -8.05, 115.7, -8.4, 115.2, -8.8, 114.6, -8.4], // Bali
            [116.0, -8.3, 116.7, -8.2, 116.6, -8.9, 116.0, -8.8], // Lombok
            [116.8, -8.4, 118.0, -8.1, 119.1, -8.4, 118.9, -8.8, 117.5, -9.0, 116.9, -8.8], // Sumbawa
            [119.8, -8.4, 121.0, -8.5, 122.9, -8.1, 122.9, -8.6, 121.5, -8.9, 119.9, -8.8], // Flores
            [119.0, -9.4, 120.3, -9.5, 120.9, -10.2, 119.5, -9.8], // Sumba
            [123.5, -10.4, 124.9, -9.2, 125.1, -9.4, 124.4, -10.2, 123.7, -10.5], // West Timor
        ]),
        new("Kalimantan", [61, 62, 63, 64, 65], 0.45,
        [
            [108.9, 1.8, 109.6, 1.9, 110.5, 1.3, 111.8, 1.2, 112.5, 1.5, 113.5, 1.4, 114.5, 1.5, 114.9, 2.5, 115.5, 3.5, 115.6, 4.2,
             117.6, 4.2, 117.8, 3.0, 118.0, 2.0, 119.0, 0.9, 117.6, 0.3, 117.5, -0.8, 116.9, -1.3, 116.5, -2.5, 116.2, -3.6, 115.9, -4.0,
             114.6, -3.9, 114.5, -3.5, 113.0, -3.2, 111.8, -3.5, 111.5, -3.0, 110.2, -3.0, 110.0, -1.8, 109.2, -1.0, 109.0, 0.0, 108.9, 0.9],
        ]),
        new("Sulawesi", [71, 72, 73, 74, 75, 76], 1.2,
        [
            [119.4, -5.6, 120.4, -5.6, 120.4, -3.2, 121.1, -2.7, 122.0, -4.4, 122.8, -5.5, 123.2, -4.7, 122.0, -3.0, 121.6, -1.9,
             123.4, -1.6, 123.3, -0.9, 121.7, -0.9, 121.2, -0.5, 121.3, 0.4, 123.1, 0.5, 124.3, 0.5, 125.2, 1.5, 124.8, 1.7, 123.0, 1.0,
             120.9, 1.3, 120.1, 0.7, 119.9, -0.4, 119.3, -1.5, 118.8, -2.8, 119.5, -3.5],
            [122.6, -4.6, 123.2, -4.0, 123.2, -4.6, 122.7, -5.4], // Buton (what Sulawesi's outline leaves of it)
        ]),
        new("Maluku", [81, 82], 0.9,
        [
            [127.5, 1.8, 128.0, 2.2, 128.2, 1.0, 128.7, 1.1, 128.0, 0.5, 128.8, 0.3, 128.2, -0.4, 127.8, -0.2, 127.6, 0.8], // Halmahera
            [127.9, -3.2, 129.5, -2.8, 130.8, -3.4, 130.5, -3.6, 128.5, -3.6, 127.9, -3.4], // Seram
            [126.0, -3.1, 127.0, -3.1, 127.2, -3.5, 126.6, -3.9, 126.0, -3.6], // Buru
        ]),
        new("Papua", [91, 92, 93, 94, 95, 96], 0.28,
        [
            [130.9, -1.4, 132.0, -0.4, 133.5, -0.7, 134.1, -1.0, 134.3, -2.6, 135.3, -3.4, 136.5, -2.2, 137.8, -1.5, 139.0, -2.1,
             140.7, -2.5, 141.0, -2.6, 141.0, -9.1, 140.1, -8.1, 139.0, -8.1, 138.0, -8.4, 137.7, -7.5, 138.3, -6.8, 137.3, -5.0,
             135.0, -4.4, 134.1, -3.8, 133.6, -3.9, 132.8, -4.0, 132.0, -2.8, 133.0, -2.4, 132.2, -2.2, 131.2, -1.6],
        ]),
    ];

    private static readonly string[] Prefixes =
        ["Suka", "Tanjung", "Sungai", "Bukit", "Batu", "Air", "Karang", "Pulau", "Teluk", "Kampung", "Muara", "Padang", "Talang", "Simpang", "Lubuk", "Rawa", "Pasir", "Tegal"];

    private static readonly string[] Roots =
        ["Jaya", "Makmur", "Baru", "Sari", "Mulya", "Rejo", "Harjo", "Indah", "Damai", "Raya", "Asri", "Mekar", "Maju", "Timur", "Barat", "Lestari", "Sentosa", "Agung"];

    private sealed record Landmass(int Region, Polygon Shape, IPreparedGeometry Prepared, int Sites);

    private sealed record Cell(int Region, Geometry Shape, Coordinate Site);

    public static int Run(NationalBoundariesOptions options)
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(options.Seed);
        var landmasses = Land(random, options.Count);
        var cells = landmasses.SelectMany(l => Cells(l, random)).ToList();
        var features = Codes(cells, random);
        Write(options.Out, features);
        Console.WriteLine(FormattableString.Invariant(
            $"national boundaries: {features.Count:N0} kelurahan on {landmasses.Count} landmasses, {features.Select(f => f.KecamatanCode).Distinct().Count():N0} kecamatan, ") +
            FormattableString.Invariant(
            $"{features.Select(f => f.KecamatanCode[..5]).Distinct().Count()} kabupaten/kota, {features.Select(f => f.KecamatanCode[..2]).Distinct().Count()} provinces, seed {options.Seed}; ") +
            FormattableString.Invariant($"{new FileInfo(options.Out).Length / 1e6:F1} MB in {clock.Elapsed.TotalSeconds:F1} s → {options.Out}"));
        return 0;
    }

    /// <summary>The drawn landmasses plus random small islands, none overlapping another, each with its share of the villages.</summary>
    private static List<Landmass> Land(Random random, int count)
    {
        var shapes = new List<(int Region, Polygon Shape)>();
        Geometry taken = Factory.CreatePolygon();
        for (var r = 0; r < Regions.Length; r++)
            foreach (var outline in Regions[r].Landmasses)
            {
                var drawn = GeometryFixer.Fix(Factory.CreatePolygon(Ring(outline)));
                // Coarse outlines may touch a neighbour: the one drawn first keeps the land.
                foreach (var part in Polygons(drawn.Difference(taken)).Where(p => p.Area > 0.001))
                    shapes.Add((r, part));
                taken = taken.Union(drawn);
            }
        var bigCount = shapes.Count;

        // Small islands: irregular octagons 1–10 km across in the seas between, each in the region of the nearest landmass.
        var archipelago = new Envelope(95, 141, -10.8, 5.8);
        var preparedTaken = new NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory().Create(taken.Buffer(0.08));
        var smallIslands = new List<Polygon>();
        while (smallIslands.Count < SmallIslands)
        {
            var centre = new Coordinate(archipelago.MinX + random.NextDouble() * archipelago.Width, archipelago.MinY + random.NextDouble() * archipelago.Height);
            var radius = 0.005 + random.NextDouble() * 0.04;
            var ring = new List<double>();
            for (var k = 0; k < 8; k++)
            {
                var angle = k * Math.PI / 4 + random.NextDouble() * 0.5;
                var reach = radius * (0.6 + random.NextDouble() * 0.4);
                ring.Add(centre.X + reach * Math.Cos(angle));
                ring.Add(centre.Y + reach * Math.Sin(angle));
            }
            var island = Factory.CreatePolygon(Ring([.. ring]));
            // Near land (within ~1.5°), so they sit among the big islands rather than in the open ocean.
            if (!island.IsValid || preparedTaken.Intersects(island) || shapes.Take(bigCount).Min(s => s.Shape.Distance(island)) > 1.5
                || smallIslands.Any(s => s.EnvelopeInternal.Intersects(island.EnvelopeInternal)))
                continue;
            smallIslands.Add(island);
        }
        foreach (var island in smallIslands)
            shapes.Add((shapes.Take(bigCount).MinBy(s => s.Shape.Distance(island)).Region, island));

        // Every small island is one to three villages; the big ones share the rest by area × their region's density.
        var sites = shapes.Select((s, i) => i < bigCount ? 0 : 1 + random.Next(3)).ToArray();
        var left = count - sites.Sum();
        var weights = shapes.Select((s, i) => i < bigCount ? s.Shape.Area * Regions[s.Region].Density : 0).ToArray();
        var total = weights.Sum();
        for (var i = 0; i < bigCount; i++) sites[i] = Math.Max(1, (int)Math.Floor(left * weights[i] / total));
        sites[Array.IndexOf(weights, weights.Max())] += count - sites.Sum();
        var factory = new NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory();
        return shapes.Select((s, i) => new Landmass(s.Region, s.Shape, factory.Create(s.Shape), sites[i])).ToList();
    }

    /// <summary>The Voronoi cells of random points on the landmass, clipped to its coast.</summary>
    private static IEnumerable<Cell> Cells(Landmass land, Random random)
    {
        var box = land.Shape.EnvelopeInternal;
        var sites = new List<Coordinate>(land.Sites);
        while (sites.Count < land.Sites)
        {
            var site = new Coordinate(box.MinX + random.NextDouble() * box.Width, box.MinY + random.NextDouble() * box.Height);
            if (land.Prepared.Contains(Factory.CreatePoint(site))) sites.Add(site);
        }
        if (sites.Count == 1)
        {
            yield return new Cell(land.Region, Reduce(land.Shape), sites[0]);
            yield break;
        }
        var builder = new VoronoiDiagramBuilder();
        builder.SetSites(sites);
        var clip = new Envelope(box);
        clip.ExpandBy(1);
        builder.ClipEnvelope = clip;
        foreach (var polygon in Polygons(builder.GetDiagram(Factory)))
        {
            var site = (Coordinate)polygon.UserData;
            var clipped = land.Prepared.Covers(polygon) ? polygon : land.Shape.Intersection(polygon);
            var shape = Reduce(Factory.BuildGeometry(Polygons(clipped).Where(p => p.Area > 0)));
            if (!shape.IsEmpty) yield return new Cell(land.Region, shape, site);
        }
    }

    private static Geometry Reduce(Geometry geometry) => GeometryPrecisionReducer.Reduce(geometry, Stored);

    private sealed record Feature(string Code, string Name, string KecamatanCode, string KecamatanName, Geometry Shape);

    /// <summary>
    /// Provinces, kabupaten/kota and kecamatan as runs of cells in Hilbert order within each region, so each is compact;
    /// their sizes follow the national averages (~12 villages a kecamatan, ~14 kecamatan a kabupaten).
    /// </summary>
    private static List<Feature> Codes(List<Cell> cells, Random random)
    {
        var features = new List<Feature>(cells.Count);
        var perKabupaten = (double)cells.Count / Kabupaten;
        var perKecamatan = (double)cells.Count / Kecamatan;
        for (var r = 0; r < Regions.Length; r++)
        {
            var region = Regions[r];
            var mine = cells.Where(c => c.Region == r).ToList();
            var box = new Envelope();
            foreach (var c in mine) box.ExpandToInclude(c.Site);
            var ordered = mine.OrderBy(c => Hilbert(box, c.Site)).ToList();
            foreach (var (province, provinceCells) in region.Provinces.Zip(Split(ordered, region.Provinces.Length)))
            {
                var kabupaten = Split(provinceCells, Math.Clamp((int)Math.Round(provinceCells.Count / perKabupaten), 1, 99));
                for (var k = 0; k < kabupaten.Count; k++)
                {
                    var kecamatan = Split(kabupaten[k], Math.Clamp((int)Math.Round(kabupaten[k].Count / perKecamatan), 1, 99));
                    for (var c = 0; c < kecamatan.Count; c++)
                    {
                        var kecamatanCode = FormattableString.Invariant($"{province:00}.{k + 1:00}.{c + 1:00}");
                        var kecamatanName = PlaceName(random);
                        // Kelurahan are numbered from 1001, desa from 2001, as Kemendagri does; a third are kelurahan.
                        int kelurahan = 1000, desa = 2000;
                        foreach (var cell in kecamatan[c])
                        {
                            var isKelurahan = random.Next(3) == 0;
                            var number = isKelurahan ? ++kelurahan : ++desa;
                            features.Add(new Feature($"{kecamatanCode}.{number}", (isKelurahan ? "" : "Desa ") + PlaceName(random),
                                kecamatanCode, kecamatanName, cell.Shape));
                        }
                    }
                }
            }
        }
        return features;
    }

    private static string PlaceName(Random random) => $"{Prefixes[random.Next(Prefixes.Length)]} {Roots[random.Next(Roots.Length)]}";

    /// <summary><paramref name="items"/> cut into <paramref name="parts"/> consecutive runs of (nearly) equal length.</summary>
    private static List<List<T>> Split<T>(List<T> items, int parts)
    {
        parts = Math.Min(parts, items.Count);
        return Enumerable.Range(0, parts)
            .Select(p => items.GetRange(p * items.Count / parts, (p + 1) * items.Count / parts - p * items.Count / parts))
            .ToList();
    }

    /// <summary>The position of <paramref name="c"/> along a Hilbert curve of order 16 over <paramref name="box"/>.</summary>
    private static long Hilbert(Envelope box, Coordinate c)
    {
        const int n = 1 << 16;
        var x = (int)Math.Clamp((c.X - box.MinX) / Math.Max(box.Width, 1e-9) * (n - 1), 0, n - 1);
        var y = (int)Math.Clamp((c.Y - box.MinY) / Math.Max(box.Height, 1e-9) * (n - 1), 0, n - 1);
        long d = 0;
        for (var s = n / 2; s > 0; s /= 2)
        {
            var rx = (x & s) > 0 ? 1 : 0;
            var ry = (y & s) > 0 ? 1 : 0;
            d += (long)s * s * ((3 * rx) ^ ry);
            if (ry == 0)
            {
                if (rx == 1) { x = s - 1 - x; y = s - 1 - y; }
                (x, y) = (y, x);
            }
        }
        return d;
    }

    private static IEnumerable<Polygon> Polygons(Geometry geometry)
    {
        for (var i = 0; i < geometry.NumGeometries; i++)
            if (geometry.GetGeometryN(i) is Polygon p) yield return p;
            else if (geometry.GetGeometryN(i) is GeometryCollection inner && !ReferenceEquals(inner, geometry))
                foreach (var q in Polygons(inner)) yield return q;
    }

    private static Coordinate[] Ring(double[] lonLat)
    {
        var ring = Enumerable.Range(0, lonLat.Length / 2).Select(i => new Coordinate(lonLat[2 * i], lonLat[2 * i + 1])).ToList();
        ring.Add(ring[0].Copy());
        return [.. ring];
    }

    private static void Write(string path, List<Feature> features)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("type", "FeatureCollection");
        json.WriteStartArray("features");
        foreach (var f in features)
        {
            json.WriteStartObject();
            json.WriteString("type", "Feature");
            json.WriteStartObject("properties");
            json.WriteString("code", f.Code);
            json.WriteString("name", f.Name);
            json.WriteString("kecamatan_code", f.KecamatanCode);
            json.WriteString("kecamatan", f.KecamatanName);
            json.WriteString("level", "kelurahan");
            json.WriteEndObject();
            json.WriteStartObject("geometry");
            json.WriteString("type", "MultiPolygon");
            json.WriteStartArray("coordinates");
            foreach (var polygon in Polygons(f.Shape))
            {
                json.WriteStartArray();
                // RFC 7946: outer rings counter-clockwise, holes clockwise.
                WriteRing(json, polygon.ExteriorRing, counterClockwise: true);
                foreach (var hole in polygon.InteriorRings) WriteRing(json, hole, counterClockwise: false);
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteRing(Utf8JsonWriter json, LineString ring, bool counterClockwise)
    {
        var coordinates = ring.Coordinates;
        if (NetTopologySuite.Algorithm.Orientation.IsCCW(coordinates) != counterClockwise) Array.Reverse(coordinates);
        json.WriteStartArray();
        foreach (var c in coordinates)
        {
            json.WriteStartArray();
            json.WriteRawValue(c.X.ToString("0.#######", CultureInfo.InvariantCulture));
            json.WriteRawValue(c.Y.ToString("0.#######", CultureInfo.InvariantCulture));
            json.WriteEndArray();
        }
        json.WriteEndArray();
    }
}
