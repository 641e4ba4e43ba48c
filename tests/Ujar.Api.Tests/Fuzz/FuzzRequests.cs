using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ujar.Api.Accounts;
using Ujar.Api.Complaints;
using Ujar.Api.Tests.Photos;

namespace Ujar.Api.Tests.Fuzz;

/// <summary>What a parameter holds when it is right; the fuzzer sends that, or something wrong for any kind.</summary>
public enum Kind
{
    Ticket, Bbox, Categories, Statuses, Date, Int, Lat, Lon, Bool, Text, Format, Open311Format, Opd, Category, UserId, KeyName,
    Day, PhotoFile, Level, Season, Cursor, Seq, Path,
}

/// <summary>What a route's refusals must look like: ProblemDetails, Open311's error list, or (SignalR's own endpoints)
/// the protocol's answers, of which only "no 5xx" is asked.</summary>
public enum Refusals { Problem, Open311, Protocol }

/// <summary>The body a route reads.</summary>
public enum BodyKind { None, Json, ComplaintForm, PhotoForm, StatusForm, Open311Form, Webhook }

/// <summary>
/// A route as the fuzzer knows it: the kinds of its path and query parameters, its body (for JSON: each member with a
/// right value, as JSON text), who calls it (null: anonymous; else a role), and the form of its refusals.
/// </summary>
public sealed record RouteSeed(string Method, string Pattern, BodyKind Body = BodyKind.None, Refusals Refusals = Refusals.Problem)
{
    public Dictionary<string, Kind> Path { get; init; } = [];
    public Dictionary<string, Kind> Query { get; init; } = [];
    public (string Name, string Json)[] Members { get; init; } = [];
    public string?[] Callers { get; init; } = [null];
}

/// <summary>One generated request, kept whole so a failure can print exactly what was sent.</summary>
public sealed record FuzzRequest(string? Caller, string Method, string Url, IReadOnlyList<(string Name, string Value)> Headers,
    string? ContentType, byte[]? Body)
{
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), Url);
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        }
        foreach (var (name, value) in Headers) message.Headers.TryAddWithoutValidation(name, value);
        return message;
    }

    public override string ToString()
    {
        var body = Body is null ? "(none)" : Body.Length > 600
            ? $"{Body.Length} bytes, starting {Printable(Body.AsSpan(0, 600))}"
            : Printable(Body);
        return $"{Method} {(Url.Length > 400 ? Url[..400] + "…" : Url)} as {Caller ?? "anonymous"}"
               + $"\n    headers: {string.Join("; ", Headers.Select(h => $"{h.Name}: {Printable(Encoding.UTF8.GetBytes(h.Value.Length > 120 ? h.Value[..120] + "…" : h.Value))}"))}"
               + $"\n    content-type: {ContentType}\n    body: {body}";
    }

    /// <summary>ASCII as is, every other byte as \xNN, so invalid UTF-8 and NULs show.</summary>
    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes) text.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}");
        return text.ToString();
    }
}

/// <summary>
/// Makes bad requests for one route from one seeded <see cref="Random"/>: path and query values that are right, wrong
/// for their kind or wrong for any kind (edge numbers, dates at the calendar's ends, NUL, invalid UTF-8, 10,000
/// characters), repeated and unknown parameters, JSON with wrong types, deep nesting, NUL, lone surrogates, invalid
/// UTF-8 or cut off, forms and multipart bodies that are empty, truncated or on the wrong boundary, bad photos, wrong
/// methods, content types and headers. The same seed gives the same requests.
/// </summary>
public sealed class FuzzRequests(Random random, FuzzContext context)
{
    private const string Boundary = "FuzzBatas7";

    public FuzzRequest Make(RouteSeed seed)
    {
        var caller = Pick(seed.Callers);
        var method = Chance(0.08) ? Pick(new[] { "GET", "POST", "PUT", "PATCH", "DELETE" }.Where(m => m != seed.Method).ToArray()) : seed.Method;
        var headers = new List<(string, string)>();
        var (contentType, body) = seed.Body switch
        {
            BodyKind.Json => ("application/json", Json(seed.Members)),
            BodyKind.ComplaintForm => ComplaintForm(seed.Members),
            BodyKind.PhotoForm => Multipart(Photos("photos")),
            BodyKind.StatusForm => StatusForm(seed.Members),
            BodyKind.Open311Form => Open311Form(),
            BodyKind.Webhook => Webhook(headers),
            _ => Chance(0.1) ? ("application/json", Json([("x", "1")])) : (null, null),
        };
        if (body is not null && Chance(0.08)) contentType = Pick(ContentTypes);
        AddHeaders(headers, seed);
        return new FuzzRequest(caller, method, Url(seed), headers, contentType, body);
    }

    // ---- URLs -------------------------------------------------------------------------------------------------------

    private string Url(RouteSeed seed)
    {
        var path = seed.Pattern;
        foreach (var (name, kind) in seed.Path)
        {
            var value = kind == Kind.Path ? CatchAll() : Chance(0.65) ? Right(kind) : PathSafe(Wrong(kind));
            path = path.Replace("{**" + name + "}", value).Replace("{" + name + "}", Uri.EscapeDataString(value));
        }
        var query = new List<string>();
        foreach (var (name, kind) in seed.Query)
        {
            var roll = random.NextDouble();
            if (roll < 0.3) continue;
            query.Add($"{name}={Escape(roll < 0.65 ? Right(kind) : Wrong(kind))}");
            if (Chance(0.05)) query.Add($"{name}={Escape(Right(kind))}");   // the same parameter twice
        }
        if (Chance(0.12)) query.Add($"{Escape(Pick(NastyStrings))}={Escape(Pick(NastyStrings))}");
        if (Chance(0.05)) query.Add(Pick(RawQueryBits));
        Shuffle(query);
        return query.Count == 0 ? path : $"{path}?{string.Join('&', query)}";
    }

    private string CatchAll() => string.Join('/', Enumerable.Range(0, random.Next(0, 4)).Select(_ => Uri.EscapeDataString(PathSafe(Pick(NastyStrings)))));

    /// <summary>A path cannot carry NUL (Kestrel refuses it with its own 400), nor an unpaired surrogate (no URL can).</summary>
    private static string PathSafe(string value) => new string(value.Where(c => c != '\0' && !char.IsSurrogate(c)).ToArray()) is { Length: > 0 } safe ? safe : "x";

    /// <summary>Percent-encodes as UTF-8; NUL becomes %00, an unpaired surrogate the raw bytes of invalid UTF-8.</summary>
    private static string Escape(string value)
    {
        var text = new StringBuilder();
        foreach (var rune in value.EnumerateRunes())
            text.Append(rune == Rune.ReplacementChar && !value.Contains('\uFFFD') ? "%ED%A0%80" : Uri.EscapeDataString(rune.ToString()));
        return text.ToString();
    }

    private string Right(Kind kind) => kind switch
    {
        Kind.Ticket => Pick(new[] { context.Ticket, context.Ticket.ToLowerInvariant(), "UJR-2026-000999" }),
        Kind.Bbox => Pick(new[] { "100.0,0.0,100.1,0.1", "104.3,0.8,104.6,1.1", "-180,-90,180,90" }),
        Kind.Categories => Pick(new[] { "sampah", "sampah,jalan_rusak", "genangan_air" }),
        Kind.Statuses => Pick(new[] { "received", "received,in_progress", "open", "closed" }),
        Kind.Date => Pick(new[] { "2026-12-01", "2026-01-01T00:00:00+07:00", "2026-12-07T02:00:00Z" }),
        Kind.Int => Pick(new[] { "1", "10", "50", "250" }),
        Kind.Lat => Pick(new[] { "0.065", "0.9187" }),
        Kind.Lon => Pick(new[] { "100.055", "104.4553" }),
        Kind.Bool => Pick(new[] { "true", "false" }),
        Kind.Text => Pick(new[] { "abc", "Sampah di pasar" }),
        Kind.Format => Pick(new[] { "csv", "geojson", "json", "gpkg" }),
        Kind.Open311Format => Pick(new[] { "json", "xml" }),
        Kind.Opd => Pick(new[] { "pupr", "dlh" }),
        Kind.Category => Pick(new[] { "sampah", "jalan_rusak", "kategori_fuzz" }),
        Kind.UserId => Pick(new[] { context.AdminId, Guid.NewGuid().ToString() }),
        Kind.KeyName => Pick(new[] { "kunci-tidak-ada", "fmx" }),
        Kind.Day => Pick(new[] { "2026-12-25", "2026-08-17", "2027-01-01" }),
        Kind.PhotoFile => Pick(new[] { $"{Guid.NewGuid():N}.jpg", $"{Guid.NewGuid():N}.thumb.jpg" }),
        Kind.Level => Pick(new[] { "kelurahan", "kecamatan" }),
        Kind.Season => Pick(new[] { "hujan", "kemarau" }),
        Kind.Cursor => PageCursor.Encode(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), 5),
        Kind.Seq => Pick(new[] { "0", "1" }),
        _ => "x",
    };

    private string Wrong(Kind kind) => Chance(0.5) ? Pick(NastyStrings) : kind switch
    {
        Kind.Date or Kind.Day => Pick(EdgeDates),
        Kind.Bbox => Pick(EdgeBboxes),
        Kind.Int or Kind.Seq or Kind.Lat or Kind.Lon => Pick(EdgeNumbers),
        Kind.Cursor => Pick(new[] { PageCursor.Encode(DateTime.MinValue, long.MinValue), PageCursor.Encode(DateTime.MaxValue, long.MaxValue), "AAAA", "@@@", "MTox" }),
        _ => Pick(NastyStrings),
    };

    // ---- JSON -------------------------------------------------------------------------------------------------------

    /// <summary>The members with right or wrong values, sometimes one unknown, sometimes a wrong shape or broken bytes.</summary>
    private byte[] Json((string Name, string Json)[] members)
    {
        var parts = new List<string>();
        foreach (var (name, json) in members)
        {
            var roll = random.NextDouble();
            if (roll < 0.12) continue;
            parts.Add($"{JsonString(name)}:{(roll < 0.7 ? json : Pick(NastyJson))}");
        }
        if (Chance(0.1)) parts.Add($"{JsonString(Pick(NastyStrings))}:{Pick(NastyJson)}");
        if (Chance(0.05) && parts.Count > 0) parts.Add(parts[0]);   // a member twice
        var text = random.Next(12) switch
        {
            0 => Pick(NastyJson),
            1 => $"[{{{string.Join(',', parts)}}}]",
            _ => $"{{{string.Join(',', parts)}}}",
        };
        return Broken(Encoding.UTF8.GetBytes(text), 0.15);
    }

    /// <summary>Sometimes invalid UTF-8 inside a string, cut off, garbage after, a byte order mark, or nothing at all.</summary>
    private byte[] Broken(byte[] bytes, double chance)
    {
        if (!Chance(chance) || bytes.Length == 0) return bytes;
        var at = random.Next(bytes.Length);
        return random.Next(6) switch
        {
            0 when Array.IndexOf(bytes, (byte)'"', at) is > 0 and var quote => [.. bytes[..(quote + 1)], 0xC3, 0x28, 0xFF, .. bytes[(quote + 1)..]],
            1 => bytes[..at],
            2 => [.. bytes, .. "}]\"garbage"u8],
            3 => [0xEF, 0xBB, 0xBF, .. bytes],
            4 => [],
            _ => [.. bytes[..at], 0xED, 0xA0, 0x80, .. bytes[at..]],
        };
    }

    private static string JsonString(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    // ---- forms ------------------------------------------------------------------------------------------------------

    private (string?, byte[]) ComplaintForm((string Name, string Json)[] members)
    {
        var parts = new List<(string, string?, byte[])> { ("complaint", null, Json(members)) };
        parts.AddRange(Photos("photos"));
        if (Chance(0.5)) Shuffle(parts);
        if (Chance(0.05)) parts.Add((Pick(NastyStrings), null, "x"u8.ToArray()));
        return Multipart(parts);
    }

    private (string?, byte[]) StatusForm((string Name, string Json)[] members)
    {
        var parts = new List<(string, string?, byte[])>();
        foreach (var (name, json) in members)
            if (Chance(0.7))
                parts.Add((name, null, Encoding.UTF8.GetBytes(Chance(0.7) ? json.Trim('"') : Pick(NastyStrings))));
        parts.AddRange(Photos(Pick(new[] { "after", "before" })));
        Shuffle(parts);
        return Multipart(parts);
    }

    private (string?, byte[]) Open311Form()
    {
        var fields = new List<(string Name, string Value)>
        {
            ("api_key", Chance(0.7) ? context.ApiKey : Pick(NastyStrings)), ("service_code", Chance(0.7) ? "sampah" : Pick(NastyStrings)),
            ("lat", Chance(0.7) ? "0.065" : Pick(EdgeNumbers)), ("long", Chance(0.7) ? "100.055" : Pick(EdgeNumbers)),
            ("description", Chance(0.7) ? "Sampah menumpuk" : Pick(NastyStrings)), ("email", Pick(new[] { "a@b.id", Pick(NastyStrings) })),
            ("first_name", Pick(NastyStrings)), ("phone", Pick(new[] { "0812", Pick(NastyStrings) })),
            ("media_url", Pick(new[] { "https://contoh.id/a.jpg", Pick(NastyStrings) })),
            ("attribute[patokan]", Pick(NastyStrings)), ("jurisdiction_id", Pick(new[] { "tanjungpinangkota.go.id", Pick(NastyStrings) })),
            ("address_string", Pick(NastyStrings)),
        };
        fields.RemoveAll(_ => Chance(0.2));
        if (Chance(0.1)) fields.Add((Pick(new[] { "attribute[lain]", "lat", Pick(NastyStrings) }), Pick(NastyStrings)));
        if (Chance(0.4))
            return Multipart([.. fields.Select(f => (f.Name, (string?)null, Encoding.UTF8.GetBytes(f.Value))), .. Photos(Pick(new[] { "media", "photos", "lain" }))]);
        var form = string.Join('&', fields.Select(f => $"{Escape(f.Name)}={Escape(f.Value)}"));
        return ("application/x-www-form-urlencoded", Broken(Encoding.UTF8.GetBytes(form), 0.1));
    }

    /// <summary>Zero to four files: good small photos, photos that are not, a header claiming 7,000 × 7,000, rarely one over 10 MB.</summary>
    private List<(string, string?, byte[])> Photos(string part)
    {
        var photos = new List<(string, string?, byte[])>();
        for (var i = random.Next(0, 5) - (Chance(0.5) ? 1 : 0); i > 0; i--)
            photos.Add((part, Pick(new[] { "foto.jpg", "", "../../etc/passwd", new string('f', 300) }), random.Next(100) switch
            {
                < 35 => context.SmallPng,
                < 50 => context.SmallJpeg,
                < 60 => context.SmallJpeg[..(context.SmallJpeg.Length / 2)],
                < 70 => context.PixelBomb,
                < 78 => "GIF89a\x01\x00\x01\x00"u8.ToArray(),
                < 86 => [],
                < 99 => RandomBytes(random.Next(1, 4000)),
                _ => new byte[11 << 20],
            }));
        return photos;
    }

    /// <summary>A multipart body of <paramref name="parts"/>, sometimes broken: empty, cut off, on another boundary,
    /// without one, with a part lacking its disposition or with a header line that is not one.</summary>
    private (string?, byte[]) Multipart(List<(string Name, string? FileName, byte[] Bytes)> parts)
    {
        using var body = new MemoryStream();
        foreach (var (name, fileName, bytes) in parts)
        {
            var disposition = fileName is null ? $"form-data; name=\"{name}\"" : $"form-data; name=\"{name}\"; filename=\"{fileName}\"";
            body.Write(Encoding.UTF8.GetBytes($"--{Boundary}\r\nContent-Disposition: {disposition}\r\n\r\n"));
            body.Write(bytes);
            body.Write("\r\n"u8);
        }
        body.Write(Encoding.ASCII.GetBytes($"--{Boundary}--\r\n"));
        var whole = body.ToArray();
        var type = $"multipart/form-data; boundary={Boundary}";
        if (!Chance(0.3)) return (type, whole);
        return random.Next(7) switch
        {
            0 => (type, []),
            1 => (type, whole[..random.Next(whole.Length)]),
            2 => ("multipart/form-data; boundary=lain", whole),
            3 => ("multipart/form-data", whole),
            4 => (type, Encoding.ASCII.GetBytes($"--{Boundary}\r\nX-Tanpa-Disposition: 1\r\n\r\nisi\r\n--{Boundary}--\r\n")),
            5 => (type, Encoding.ASCII.GetBytes($"--{Boundary}\r\nbukan header\r\n\r\nisi\r\n--{Boundary}--\r\n")),
            _ => ($"multipart/form-data; boundary=\"{new string('b', 300)}\"", whole),
        };
    }

    // ---- WhatsApp ---------------------------------------------------------------------------------------------------

    /// <summary>A webhook with one message whose every field may be wrong, signed (usually) after it was broken, so it
    /// gets past the signature to the parser.</summary>
    private (string?, byte[]) Webhook(List<(string, string)> headers)
    {
        string Field(string right) => Chance(0.75) ? right : Pick(NastyJson);
        var message = $$$"""
            {"from":{{{Field("\"6281200001111\"")}}},"id":{{{Field($"\"wamid.fuzz.{random.Next()}\"")}}},"timestamp":{{{Field("\"1765000000\"")}}},
             "type":{{{Field(Pick(new[] { "\"text\"", "\"location\"", "\"image\"", "\"interactive\"", "\"audio\"" }))}}},
             "text":{"body":{{{Field("\"halo\"")}}}},"location":{"latitude":{{{Field("0.065")}}},"longitude":{{{Field("100.055")}}}},
             "image":{"id":{{{Field("\"media-1\"")}}},"caption":{{{Field("null")}}}},
             "interactive":{"type":{{{Field("\"list_reply\"")}}},"list_reply":{"id":{{{Field("\"sampah\"")}}} } } }
            """;
        var status = $$$"""{"id":{{{Field("\"wamid.keluar\"")}}},"status":{{{Field("\"delivered\"")}}},"timestamp":{{{Field("\"1765000000\"")}}},"errors":{{{Field("[]")}}}}""";
        var json = $$$"""
            {"object":{{{Field("\"whatsapp_business_account\"")}}},"entry":[{"id":"0","changes":[{"field":{{{Field("\"messages\"")}}},"value":
             {"messaging_product":"whatsapp","contacts":[{"profile":{"name":{{{Field("\"Siti\"")}}}},"wa_id":{{{Field("\"6281200001111\"")}}}}],
              "messages":{{{Field($"[{message}]")}}},"statuses":{{{Field($"[{status}]")}}}}}]}]}
            """;
        var body = Broken(Encoding.UTF8.GetBytes(json), 0.15);
        if (Chance(0.9))
            headers.Add(("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(HostileCityApp.WhatsAppSecret), body))));
        else headers.Add(("X-Hub-Signature-256", Pick(NastyStrings.Where(s => !s.Contains('\n')).ToArray())));
        return ("application/json", body);
    }

    // ---- headers ----------------------------------------------------------------------------------------------------

    private void AddHeaders(List<(string, string)> headers, RouteSeed seed)
    {
        if (seed.Pattern.Contains("{ticket}") && Chance(0.8))
            headers.Add((ReporterToken.Header, Chance(0.6) ? context.ReporterToken : HeaderSafe(Pick(NastyStrings))));
        if (seed.Pattern.EndsWith("/support", StringComparison.Ordinal) && Chance(0.8))
            headers.Add(("X-Device-Token", Chance(0.5) ? $"perangkat-fuzz-{random.Next(1000)}" : HeaderSafe(Pick(NastyStrings))));
        if (seed.Method == "POST" && Chance(0.3)) headers.Add(("Idempotency-Key", HeaderSafe(Pick(NastyStrings))));
        if (Chance(0.05)) headers.Add(("Authorization", Pick(new[] { "Bearer x", "Bearer " + new string('a', 5000), "Basic Og==", "Bearer" })));
        if (Chance(0.03)) headers.Add(("X-Lain", new string('h', 20_000)));
    }

    /// <summary>A header value may not hold a line break; everything else, NUL included, is sent.</summary>
    private static string HeaderSafe(string value) => value.Replace('\r', ' ').Replace('\n', ' ');

    // ---- pools ------------------------------------------------------------------------------------------------------

    private static readonly string[] NastyStrings =
    [
        "", " ", "0", "-1", "NaN", "Infinity", "-Infinity", "1e309", "9223372036854775808", "4294967296", "2147483648", "0x10", "1,2,3", ",,,",
        "%", "%zz", "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "\0", "a\0b", "\u0001\u001f\u007f", "🙂", "\ud83d", "\udc00x",
        "Ä", "null", "true", "[]", "{}", "UJR-2026-000001", "ujr-9999-999999", "UJR-0-0", new string('a', 300), new string('x', 10_000),
        "open", "kemarau", "csv", "xml", "sampah\0", "  sampah  ", "SAMPAH", "\t", "\u00a0", "\u202e",
    ];

    private static readonly string[] EdgeDates =
    [
        "0001-01-01", "9999-12-31", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-02-30", "2026-13-01", "1999-12-31",
        "2101-01-01", "2100-12-31T23:59:59-14:00", "2026-12-07T25:00:00", "2026-12-07T08:00:00.123456789Z", "2026-12-07 08:00:00+07:00",
        "20261207", "-2026-01-01", "+002026-01-01", "2026-W49", "1970-01-01T00:00:00Z",
    ];

    private static readonly string[] EdgeBboxes =
    [
        "0,0,0,0", "100.05,0.06,100.05,0.07", "100.05,0.06,100.06,0.06", "180,90,-180,-90", "NaN,NaN,NaN,NaN", "1e309,0,1,1",
        "-1e308,-90,1e308,90", "1,2,3", "1,2,3,4,5", "-180,-90,180,90", "179.999999,89.999999,180,90",
    ];

    private static readonly string[] EdgeNumbers =
    [
        "0", "-0", "1e308", "-1e308", "4.9e-324", "2147483647", "2147483648", "-2147483649", "99999999999999999999", "1.5", " 5", "5 ",
        "1e309", "-1", "+1", "1_000", "١٢", "0.065e400",
    ];

    private static readonly string[] NastyJson =
    [
        "\"\"", "\" \"", "\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udc00x\"", $"\"{new string('x', 70_000)}\"", "\"🙂\"", "0", "-0",
        "1e309", "-1e309", "1e-400", "123456789012345678901234567890", "9223372036854775808", "4294967296", "-1", "1.5", "true", "false",
        "null", "[]", "{}", "[1,\"a\",null]", "{\"a\":{\"b\":[1]}}", "\"NaN\"", "\"-Infinity\"", "\"0001-01-01\"", "\"9999-12-31\"",
        "\"UJR-2026-000001\"", string.Concat(Enumerable.Repeat("[", 3000)) + string.Concat(Enumerable.Repeat("]", 3000)), "\"x\\\"",
    ];

    private static readonly string[] RawQueryBits = ["a=%C3%28", "b=%FF%FE", "%00=%00", "c=%E2%82", "d", "=e", "&&&", "f=%"];

    private static readonly string[] ContentTypes =
    [
        "text/plain", "application/json; charset=latin1", "multipart/form-data", "application/x-www-form-urlencoded", "image/png",
        "application/xml", "", ";;;", "multipart/form-data; boundary=" + Boundary,
    ];

    private bool Chance(double p) => random.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private void Shuffle<T>(List<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}

/// <summary>What the fuzzer needs from the service under test: a real ticket with its token, an Open311 key, the
/// admin's own id, and photos good and bad.</summary>
public sealed record FuzzContext(string Ticket, string ReporterToken, string ApiKey, string AdminId)
{
    public byte[] SmallPng { get; } = TestImages.Png(64, 48);
    public byte[] SmallJpeg { get; } = TestImages.Jpeg(80, 60, TestImages.RedLeftBlueRight);
    public byte[] PixelBomb { get; } = BigPngs.OverGarbage(7000, 7000, garbageBytes: 4096);

    /// <summary>Roles the fuzzer calls staff and admin routes as.</summary>
    public static readonly string?[] StaffCallers = [null, Roles.OpdStaff, Roles.Crew, Roles.Planner, Roles.Admin];
}
