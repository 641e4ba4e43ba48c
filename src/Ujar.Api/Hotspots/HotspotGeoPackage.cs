using System.Globalization;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Ujar.Api.Routing;

namespace Ujar.Api.Hotspots;

/// <summary>
/// <c>format=gpkg</c> for every hotspot layer: an OGC GeoPackage (1.2) that QGIS opens by drag and drop. A GeoPackage
/// is an SQLite file, so it is written with SQLite into a temporary file and sent as bytes; nothing of the service's
/// own data lives in SQLite. One feature table named after the layer (geometry <c>geom</c>, MULTIPOLYGON in EPSG:4326,
/// the same features and properties as the GeoJSON answer, names and words in the file's language) and an
/// attributes table <c>parameters</c> (name, value) holding the layer's parameters, which also make the feature
/// table's description in <c>gpkg_contents</c> (shown by QGIS's layer properties).
/// </summary>
public static class HotspotGeoPackage
{
    public const string ContentType = "application/geopackage+sqlite3";
    // 'GPKG' as the big-endian integer the specification asks for in the SQLite header, and version 1.2.
    private const int ApplicationId = 0x47504B47;
    private const int UserVersion = 10200;

    private static readonly GeoPackageGeoWriter GeometryWriter = new();

    public static IResult Result(string layer, HotspotCollection collection, bool indonesian) =>
        TypedResults.File(Write(layer, collection, indonesian), ContentType, $"ujar-{layer}.gpkg");

    public static byte[] Write(string layer, HotspotCollection collection, bool indonesian)
    {
        layer = HotspotExport.LayerName(layer, indonesian);
        var path = Path.Combine(Path.GetTempPath(), $"ujar-{layer}-{Guid.NewGuid():N}.gpkg");
        try
        {
            // No pooling: the file must be closed before it is read back and deleted.
            using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
            {
                connection.Open();
                using var transaction = connection.BeginTransaction();
                WriteTables(connection, layer, collection, indonesian);
                transaction.Commit();
            }
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void WriteTables(SqliteConnection connection, string layer, HotspotCollection collection, bool indonesian)
    {
        Execute(connection, $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {UserVersion};");
        Execute(connection, """
            CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
                organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
            INSERT INTO gpkg_spatial_ref_sys VALUES
                ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
                ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
                ('WGS 84 geodetic', 4326, 'EPSG', 4326,
                 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
                 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
            CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
                description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER REFERENCES gpkg_spatial_ref_sys(srs_id));
            CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
                srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, PRIMARY KEY (table_name, column_name),
                FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
            CREATE TABLE parameters (name TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
            """);

        static string Number(IFormattable n) => n.ToString(null, CultureInfo.InvariantCulture);
        var parameters = HotspotExport.Parameters(collection)
            .Select(p => (Name: HotspotExport.ColumnName(p.Key, indonesian), Value: HotspotExport.Text(p.Key, p.Value, indonesian, Number)))
            .ToList();
        foreach (var (name, value) in parameters)
            Execute(connection, "INSERT INTO parameters VALUES ($name, $value)", ("$name", name), ("$value", value));
        var description = string.Join("; ", parameters.Select(p => $"{p.Name}: {p.Value}"));

        var names = collection.Features.Count > 0 ? collection.Features[0].Properties.Keys.ToList() : [];
        var columns = names.Select(n => (Property: n, Column: HotspotExport.ColumnName(n, indonesian),
            Type: SqlType(collection.Features.Select(f => f.Properties.GetValueOrDefault(n))))).ToList();
        var envelope = new Envelope();
        foreach (var feature in collection.Features) envelope.ExpandToInclude(feature.Geometry.EnvelopeInternal);
        Execute(connection, $"CREATE TABLE \"{layer}\" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom MULTIPOLYGON{string.Concat(columns.Select(c => $", \"{c.Column}\" {c.Type}"))})");
        Execute(connection, "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id) VALUES ($t, 'features', $t, $d, $x0, $y0, $x1, $y1, 4326)",
            ("$t", layer), ("$d", description), ("$x0", envelope.IsNull ? null : envelope.MinX), ("$y0", envelope.IsNull ? null : envelope.MinY),
            ("$x1", envelope.IsNull ? null : envelope.MaxX), ("$y1", envelope.IsNull ? null : envelope.MaxY));
        Execute(connection, "INSERT INTO gpkg_geometry_columns VALUES ($t, 'geom', 'MULTIPOLYGON', 4326, 0, 0)", ("$t", layer));
        Execute(connection, "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES ('parameters', 'attributes', 'parameters', $d)",
            ("$d", description));

        using var insert = connection.CreateCommand();
        insert.CommandText = $"INSERT INTO \"{layer}\" (geom{string.Concat(columns.Select(c => $", \"{c.Column}\""))}) VALUES ($geom{string.Concat(columns.Select((_, i) => $", $p{i}"))})";
        var geometry = insert.Parameters.Add("$geom", SqliteType.Blob);
        var values = columns.Select((_, i) => insert.Parameters.Add($"$p{i}", SqliteType.Text)).ToList();
        foreach (var feature in collection.Features)
        {
            geometry.Value = GeometryWriter.Write(AsMultiPolygon(feature.Geometry));
            for (var i = 0; i < columns.Count; i++)
            {
                var value = HotspotExport.Value(feature, columns[i].Property, indonesian);
                values[i].SqliteType = value switch { int or long or bool => SqliteType.Integer, double or float => SqliteType.Real, _ => SqliteType.Text };
                values[i].Value = value switch
                {
                    null => DBNull.Value,
                    bool flag => flag ? 1 : 0,
                    int or long or double or float => value,
                    _ => HotspotExport.Text(columns[i].Property, value, indonesian, Number),
                };
            }
            insert.ExecuteNonQuery();
        }
    }

    /// <summary>One declared type per column, from the values it holds (a column of nulls is TEXT).</summary>
    private static string SqlType(IEnumerable<object?> values)
    {
        var present = values.Where(v => v is not null).ToList();
        if (present.Count > 0 && present.All(v => v is int or long or bool)) return "INTEGER";
        if (present.Count > 0 && present.All(v => v is int or long or double or float)) return "DOUBLE";
        return "TEXT";
    }

    /// <summary>Every feature as a MULTIPOLYGON in EPSG:4326: one geometry type per table is what QGIS expects.</summary>
    private static MultiPolygon AsMultiPolygon(Geometry geometry)
    {
        var polygons = Enumerable.Range(0, geometry.NumGeometries).Select(geometry.GetGeometryN).OfType<Polygon>().ToArray();
        return Wgs84.Factory.CreateMultiPolygon(polygons);
    }

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        command.ExecuteNonQuery();
    }
}
