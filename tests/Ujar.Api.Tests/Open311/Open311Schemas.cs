extern alias JsonSchemaNet;
using System.Text.Json;
using System.Text.Json.Nodes;
using JsonSchemaNet::Json.Schema;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Open311;

/// <summary>
/// The GeoReport v2 JSON schemas of the Open311 project (<c>Open311/schemas/</c>, see its README), evaluated with
/// JsonSchema.Net. All five files are registered by their file URIs, so <c>requests.json</c>'s relative
/// <c>"$ref": "request.json"</c> resolves to the file beside it. Formats (<c>date-time</c>, <c>uri</c>) are checked.
/// </summary>
public static class Open311Schemas
{
    public const string Request = "request.json";
    public const string Requests = "requests.json";
    public const string Service = "service.json";
    public const string Services = "services.json";
    public const string ServiceDefinition = "service-definition.json";

    private static readonly string Folder = Path.Combine(TestPaths.RepoRoot, "tests", "Ujar.Api.Tests", "Open311", "schemas");

    private static readonly Lazy<(EvaluationOptions Options, Dictionary<string, JsonSchema> Schemas)> Loaded = new(() =>
    {
        var options = new EvaluationOptions
        {
            EvaluateAs = SpecVersion.Draft202012,
            RequireFormatValidation = true,
            OutputFormat = OutputFormat.List,
        };
        var schemas = new Dictionary<string, JsonSchema>();
        foreach (var file in new[] { Request, Requests, Service, Services, ServiceDefinition })
        {
            // FromFile makes the file's URI the schema's base URI.
            var schema = JsonSchema.FromFile(Path.Combine(Folder, file));
            options.SchemaRegistry.Register(schema);
            schemas[file] = schema;
        }
        return (options, schemas);
    });

    /// <summary>Fails with every violation when <paramref name="instance"/> does not meet <paramref name="schemaFile"/>.</summary>
    public static void AssertValid(string schemaFile, JsonElement instance)
    {
        var results = Evaluate(schemaFile, instance.GetRawText());
        Assert.True(results.IsValid, $"{schemaFile}: " + string.Join("; ", results.Details
            .Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Key}: {e.Value}")))
            + $"\n{instance.GetRawText()}");
    }

    public static EvaluationResults Evaluate(string schemaFile, string json)
    {
        var (options, schemas) = Loaded.Value;
        return schemas[schemaFile].Evaluate(JsonNode.Parse(json), options);
    }
}
