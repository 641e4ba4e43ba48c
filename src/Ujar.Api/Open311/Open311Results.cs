using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;
using Microsoft.AspNetCore.Http.Metadata;

namespace Ujar.Api.Open311;

/// <summary>The two formats of GeoReport v2, chosen by the resource's extension (<c>requests.xml</c>, <c>requests.json</c>).</summary>
public enum Open311Format { Json, Xml }

public static class Open311Formats
{
    /// <summary>The format an extension names, or null for any other (answered with a 404 in XML, the spec's first format).</summary>
    public static Open311Format? Parse(string? extension) => extension?.ToLowerInvariant() switch
    {
        "json" => Open311Format.Json,
        "xml" => Open311Format.Xml,
        _ => null,
    };
}

/// <summary>An Open311 answer: one document written as JSON or as the spec's XML, by the extension the client asked for.</summary>
/// <param name="XmlRoot">The XML root element (<c>service_requests</c>, <c>discovery</c>).</param>
/// <param name="XmlItem">For a list, the element of each item (<c>request</c>); null for a single document.</param>
public sealed class Open311Result<T>(T document, Open311Format format, string xmlRoot, string? xmlItem = null, int statusCode = StatusCodes.Status200OK)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IEndpointMetadataProvider where T : notnull
{
    public T Value => document;
    object IValueHttpResult.Value => document;
    public int StatusCode => statusCode;
    int? IStatusCodeHttpResult.StatusCode => statusCode;

    public Task ExecuteAsync(HttpContext http) => Open311Writer.WriteAsync(http, statusCode, document, format, xmlRoot, xmlItem);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), Open311Writer.ContentTypes));
}

/// <summary>One error of the spec's error list: <c>code</c> is the HTTP status, <c>description</c> says what and why, in
/// Bahasa Indonesia then English.</summary>
public sealed record Open311Error(int Code, string Description);

/// <summary>A refusal in the spec's format: <c>[{code, description}]</c> or <c>&lt;errors&gt;&lt;error&gt;…</c>.</summary>
public sealed class Open311Errors(int statusCode, IReadOnlyList<Open311Error> errors, Open311Format format)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<IReadOnlyList<Open311Error>>, IEndpointMetadataProvider
{
    public IReadOnlyList<Open311Error> Value => errors;
    object IValueHttpResult.Value => errors;
    public int StatusCode => statusCode;
    int? IStatusCodeHttpResult.StatusCode => statusCode;

    public Task ExecuteAsync(HttpContext http) => Open311Writer.WriteAsync(http, statusCode, errors, format, "errors", "error");

    /// <summary>Every resource may answer 400 (a bad parameter) and 404 (an unknown jurisdiction, format or item); filing
    /// adds its own statuses with <see cref="Metadata"/>.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        foreach (var metadata in Metadata(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)) builder.Metadata.Add(metadata);
    }

    public static IEnumerable<ProducesResponseTypeMetadata> Metadata(params int[] statuses) =>
        statuses.Select(status => new ProducesResponseTypeMetadata(status, typeof(IReadOnlyList<Open311Error>), Open311Writer.ContentTypes));

    /// <summary>One error whose status is also its code.</summary>
    public static Open311Errors One(int statusCode, Open311Format format, string description) =>
        new(statusCode, [new Open311Error(statusCode, description)], format);

    /// <summary>400 with one error per field, each named as Open311 names it.</summary>
    public static Open311Errors BadRequest(Open311Format format, IEnumerable<(string Field, Setup.Bilingual Message)> fields) =>
        new(StatusCodes.Status400BadRequest,
            fields.Select(f => new Open311Error(StatusCodes.Status400BadRequest, Text(f.Field, f.Message))).ToList(), format);

    public static Open311Errors NotFound(Open311Format format, Setup.Bilingual what) => One(StatusCodes.Status404NotFound, format, Text(what));

    /// <summary>"Indonesian / English", prefixed with the field when there is one.</summary>
    public static string Text(string field, Setup.Bilingual message) => $"{field}: {Text(message)}";

    public static string Text(Setup.Bilingual message) => $"{message.Id} / {message.En}";
}

/// <summary>
/// Writes Open311 documents. JSON: snake_case names exactly as the spec's (<c>service_request_id</c>, <c>long</c>), and an
/// optional field with no value is left out rather than written as null (the project's JSON schemas allow no nulls). XML
/// is made from that same JSON, so both formats always carry the same fields in the same order; only the spec's XML
/// shapes differ: a list becomes a wrapper element with one element per item, and <c>keywords</c> one comma-separated text.
/// </summary>
public static class Open311Writer
{
    /// <summary>XML first, as the spec lists them.</summary>
    public static readonly string[] ContentTypes = ["text/xml", "application/json"];

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Served as application/json to programs, never inlined into HTML: "+07:00" stays readable instead of "\u002B07:00".
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Lists inside a document and the element each of their items gets in XML.</summary>
    private static readonly Dictionary<string, string> XmlItemOf = new()
    {
        ["endpoints"] = "endpoint", ["formats"] = "format", ["attributes"] = "attribute", ["values"] = "value",
    };

    /// <summary>Lists the spec writes as one comma-separated text in XML.</summary>
    private static readonly HashSet<string> CommaSeparatedInXml = ["keywords"];

    private static readonly XmlWriterSettings XmlSettings = new()
    {
        // No byte order mark; the declaration says utf-8.
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
    };

    public static async Task WriteAsync<T>(HttpContext http, int statusCode, T document, Open311Format format, string xmlRoot, string? xmlItem)
    {
        var response = http.Response;
        response.StatusCode = statusCode;
        if (format == Open311Format.Json)
        {
            response.ContentType = "application/json; charset=utf-8";
            await JsonSerializer.SerializeAsync(response.Body, document, Json, http.RequestAborted);
            return;
        }
        response.ContentType = "text/xml; charset=utf-8";
        // Written to memory first: Kestrel allows no synchronous writes to the response, and the documents are small.
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, XmlSettings))
        {
            xml.WriteStartDocument();
            WriteElement(xml, xmlRoot, JsonSerializer.SerializeToElement(document, Json), xmlItem);
            xml.WriteEndDocument();
        }
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), http.RequestAborted);
    }

    private static void WriteElement(XmlWriter xml, string name, JsonElement value, string? itemName = null)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return;
            case JsonValueKind.Object:
                xml.WriteStartElement(name);
                foreach (var member in value.EnumerateObject()) WriteElement(xml, member.Name, member.Value);
                xml.WriteEndElement();
                return;
            case JsonValueKind.Array when CommaSeparatedInXml.Contains(name):
                xml.WriteElementString(name, Safe(string.Join(", ", value.EnumerateArray().Select(v => v.GetString()))));
                return;
            case JsonValueKind.Array:
                var item = itemName ?? XmlItemOf.GetValueOrDefault(name)
                    ?? throw new InvalidOperationException($"No XML item element is defined for the list '{name}'");
                xml.WriteStartElement(name);
                foreach (var element in value.EnumerateArray()) WriteElement(xml, item, element);
                xml.WriteEndElement();
                return;
            case JsonValueKind.String:
                xml.WriteElementString(name, Safe(value.GetString()!));
                return;
            case JsonValueKind.True or JsonValueKind.False:
                xml.WriteElementString(name, value.ValueKind == JsonValueKind.True ? "true" : "false");
                return;
            default:
                // Numbers as JSON wrote them: invariant, shortest round-trip form.
                xml.WriteElementString(name, value.GetRawText());
                return;
        }
    }

    /// <summary>Text with the characters XML 1.0 cannot carry (C0 controls other than tab and line breaks, lone
    /// surrogates) replaced by U+FFFD. The web door stores what JSON can carry, and an XmlWriter would throw on them.</summary>
    private static string Safe(string text)
    {
        StringBuilder? replaced = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                replaced?.Append(c).Append(text[i + 1]);
                i++;
            }
            else if (XmlConvert.IsXmlChar(c)) replaced?.Append(c);
            else (replaced ??= new StringBuilder(text.Length).Append(text, 0, i)).Append('\uFFFD');
        }
        return replaced?.ToString() ?? text;
    }
}
