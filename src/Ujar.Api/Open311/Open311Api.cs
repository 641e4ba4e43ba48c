using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ujar.Api.Channels;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;
using Ujar.Api.Limits;
using Ujar.Api.Photos;
using Ujar.Api.Routing;
using Ujar.Api.Setup;

namespace Ujar.Api.Open311;

/// <summary>
/// Open311 GeoReport v2 under <c>/open311/v2/</c>, each resource as <c>.json</c> or <c>.xml</c>, plus mySociety's
/// <c>servicerequestupdates</c>, which FixMyStreet reads to follow the complaints it sent. Reads are public (they show
/// what the tracking page shows); filing needs a channel key sent as <c>api_key</c> in the body. Complaints go through
/// the same <see cref="ComplaintIntake"/> as the web's.
/// </summary>
public static class Open311Api
{
    public const string BasePath = "/open311/v2";
    public const string Specification = "http://wiki.open311.org/GeoReport_v2";

    /// <summary>When this endpoint's discovery document last changed.</summary>
    public const string Changeset = "2026-12-07T00:00:00+07:00";

    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    /// <summary>Pages deeper than this are refused: 1,000 pages of 200 already pass over 200,000 complaints, and a narrower
    /// window serves a client better than deeper paging.</summary>
    public const int MaxPage = 1000;
    /// <summary>At most this many ids in one <c>service_request_id</c> list.</summary>
    public const int MaxRequestIds = MaxPageSize;
    /// <summary>The window of <c>requests</c> without dates, and the widest one allowed (GeoReport v2's rule).</summary>
    public static readonly TimeSpan RequestsWindow = TimeSpan.FromDays(90);
    /// <summary>The window of <c>servicerequestupdates</c> without dates; at most <see cref="RequestsWindow"/> wide.</summary>
    public static readonly TimeSpan UpdatesDefaultWindow = TimeSpan.FromDays(1);
    /// <summary>The most updates one answer holds (about 5 MB of XML); more in the window is a 400 asking for a narrower one,
    /// never a silent cut. A city of this size makes a few hundred steps a day; the room is for bursts such as the deadline
    /// watcher closing a backlog at once (18,000 steps in ten minutes when measured over 500,000 synthetic complaints).</summary>
    public const int MaxUpdates = 20_000;

    public static IServiceCollection AddOpen311(this IServiceCollection services)
    {
        // The city folder first, so that what Ujar:Open311 sets wins.
        services.AddOptions<Open311Options>()
            .Configure<City>((options, city) =>
            {
                options.JurisdictionId = city.Open311.JurisdictionId;
                options.Contact = city.Open311.Contact;
                options.KeyService = city.Open311.KeyService;
            })
            .BindConfiguration("Ujar:Open311")
            .Validate(Open311Options.IsValid, "Ujar:Open311: JurisdictionId (no spaces), Contact and KeyService must not be empty")
            .ValidateOnStart();
        return services;
    }

    public static IEndpointRouteBuilder MapOpen311(this IEndpointRouteBuilder app)
    {
        // Refusals here are Open311's error list, so Open311Query checks the query string for NUL instead of UrlChecks.
        var api = app.MapGroup(BasePath).WithTags("Open311").WithMetadata(new ChecksOwnQuery());
        api.MapGet("/discovery.{format}", GetDiscovery);
        api.MapGet("/services.{format}", GetServices);
        api.MapGet("/services/{code}.{format}", GetServiceDefinition);
        api.MapGet("/requests.{format}", GetRequests);
        // No Accepts<T>() here: its content-type matching would hand a JSON body to the catch-all below (404) instead of
        // letting the handler answer 415.
        api.MapPost("/requests.{format}", PostRequest)
            .WithDescription("application/x-www-form-urlencoded, or multipart/form-data with up to three photo files in 'media': "
                + "api_key (required, in the body), service_code, lat, long, description, optional jurisdiction_id, address_string, "
                + "email, first_name, last_name, phone, media_url, attribute[patokan]; header Idempotency-Key for safe retries.")
            .WithMetadata([.. Open311Errors.Metadata(403, 409, 413, 415, 429, 503)]);
        api.MapGet("/requests/{id}.{format}", GetRequest);
        api.MapGet("/tokens/{token}.{format}", GetToken);
        api.MapGet("/servicerequestupdates.{format}", GetUpdates);
        // Anything else under the prefix (an unknown resource, a missing extension) is a 404 in the spec's format.
        api.Map("/{**path}", UnknownResource).ExcludeFromDescription();
        return app;
    }

    private static Open311Errors UnknownFormat(string format) =>
        Open311Errors.NotFound(Open311Format.Xml, new Bilingual($"format '{Shorten(format)}' tidak dikenal; gunakan .xml atau .json",
            $"unknown format '{Shorten(format)}'; use .xml or .json"));

    private static Open311Errors UnknownResource() =>
        Open311Errors.NotFound(Open311Format.Xml, new Bilingual(
            $"sumber tidak dikenal; lihat {BasePath}/discovery.xml", $"unknown resource; see {BasePath}/discovery.xml"));

    private static Results<Open311Result<Discovery>, Open311Errors> GetDiscovery(string format, HttpRequest request,
        IOptions<Open311Options> options, IOptions<PublicSite> site)
    {
        if (Open311Formats.Parse(format) is not { } f) return UnknownFormat(format);
        if (new Open311Query(request.Query).CheckCommon(f, options.Value) is { } refused) return refused;
        var o = options.Value;
        return new Open311Result<Discovery>(new Discovery(Changeset, o.Contact, o.KeyService,
            [new DiscoveryEndpoint(Specification, site.Value.Absolute(BasePath), Changeset, "production", Open311Writer.ContentTypes)]),
            f, "discovery");
    }

    private static async Task<Results<Open311Result<IReadOnlyList<Service>>, Open311Errors>> GetServices(string format, HttpRequest request,
        UjarDb db, IOptions<Open311Options> options, CancellationToken ct)
    {
        if (Open311Formats.Parse(format) is not { } f) return UnknownFormat(format);
        if (new Open311Query(request.Query).CheckCommon(f, options.Value) is { } refused) return refused;
        var rows = await db.Categories.AsNoTracking().Where(c => c.Active)
            .Join(db.Opds, c => c.OpdCode, o => o.Code, (c, o) => new { c.Code, c.NameId, c.NameEn, c.SortOrder, Opd = o.Name, OpdEn = o.NameEn })
            .OrderBy(c => c.SortOrder).ThenBy(c => c.Code).ToListAsync(ct);
        IReadOnlyList<Service> services = rows.Select(c => new Service(c.Code, c.NameId,
            $"{c.NameEn}; handled by {c.Opd} ({c.OpdEn})",
            Metadata: true, "realtime", Keywords(c.NameId, c.NameEn), c.Opd)).ToList();
        return new Open311Result<IReadOnlyList<Service>>(services, f, "services", "service");
    }

    /// <summary>The parts of both names ("Genangan air / banjir", "Flooding / standing water"): what people search by.</summary>
    private static IReadOnlyList<string> Keywords(params string[] names) =>
        names.SelectMany(n => n.Split('/', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(k => k.ToLowerInvariant()).Distinct().ToList();

    private static async Task<Results<Open311Result<ServiceDefinition>, Open311Errors>> GetServiceDefinition(string code, string format,
        HttpRequest request, UjarDb db, IOptions<Open311Options> options, CancellationToken ct)
    {
        if (Open311Formats.Parse(format) is not { } f) return UnknownFormat(format);
        if (new Open311Query(request.Query).CheckCommon(f, options.Value) is { } refused) return refused;
        if (!await db.Categories.AnyAsync(c => c.Code == code && c.Active, ct))
            return Open311Errors.NotFound(f, new Bilingual($"layanan '{Shorten(code)}' tidak ada; lihat services.{format}",
                $"no service '{Shorten(code)}'; see services.{format}"));
        return new Open311Result<ServiceDefinition>(new ServiceDefinition(code,
        [
            new ServiceAttribute(Variable: true, Open311Filing.LandmarkAttribute, "string", Required: false,
                "Teks bebas, mis. 'depan Masjid Raya Al-Hikmah' / Free text, e.g. 'in front of the Al-Hikmah mosque'", Order: 1,
                "Patokan: tempat yang dikenal di dekat lokasi / Landmark: a well-known place near the spot"),
        ]), f, "service_definition");
    }

    private static async Task<Results<Open311Result<IReadOnlyList<ServiceRequest>>, Open311Errors>> GetRequests(string format,
        HttpContext http, UjarDb db, ComplaintRouter router, WorkingCalendars calendars, TimeProvider clock,
        IOptions<Open311Options> options, IOptions<PublicSite> site, CancellationToken ct)
    {
        if (Open311Formats.Parse(format) is not { } f) return UnknownFormat(format);
        var query = new Open311Query(http.Request.Query);
        if (query.CheckCommon(f, options.Value) is { } refused) return refused;

        // Every parameter is checked, even those a service_request_id list overrides.
        var ids = query.List("service_request_id");
        if (ids is { Count: > MaxRequestIds })
            query.Errors.Add(("service_request_id", new Bilingual($"paling banyak {MaxRequestIds} id", $"at most {MaxRequestIds} ids")));
        var codes = query.List("service_code");
        foreach (var unknown in codes?.Where(c => !router.Categories.ContainsKey(c)) ?? [])
            query.Errors.Add(("service_code", new Bilingual($"layanan '{Shorten(unknown)}' tidak ada", $"no service '{Shorten(unknown)}'")));
        var statuses = query.List("status");
        foreach (var unknown in statuses?.Where(s => s is not (Open311Statuses.Open or Open311Statuses.Closed)) ?? [])
            query.Errors.Add(("status", new Bilingual($"'{Shorten(unknown)}' bukan open atau closed", $"'{Shorten(unknown)}' is not open or closed")));
        var window = query.Window(clock.GetUtcNow().UtcDateTime, RequestsWindow, RequestsWindow);
        var page = query.Int("page", 1, MaxPage) ?? 1;
        var pageSize = query.Int("page_size", 1, MaxPageSize) ?? DefaultPageSize;
        if (query.Errors.Count > 0) return Open311Errors.BadRequest(f, query.Errors);

        var complaints = db.Complaints.AsNoTracking();
        if (ids is not null)
        {
            var tickets = ids.Select(id => id.ToUpperInvariant()).ToList();
            complaints = complaints.Where(c => tickets.Contains(c.Ticket));
            (page, pageSize) = (1, MaxRequestIds);
        }
        else
        {
            var (from, to) = window!.Value;
            complaints = complaints.Where(c => c.CreatedAt >= from && c.CreatedAt <= to);
            if (codes is not null) complaints = complaints.Where(c => codes.Contains(c.CategoryCode));
            if (statuses is not null)
            {
                var wanted = statuses.SelectMany(Open311Statuses.Meaning).ToList();
                complaints = complaints.Where(c => wanted.Contains(c.Status));
            }
        }
        // The page's ids are chosen in a subquery of the same statement, and only its rows are then projected: with the
        // projection beside the OFFSET, PostgreSQL ran the names' and latest step's subqueries for every row it skipped
        // too (page 100 of 200 took 783 ms over 500,000 complaints). One row more than the page tells whether a next exists.
        var pageIds = complaints.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id)
            .Skip((page - 1) * pageSize).Take(pageSize + 1).Select(c => c.Id);
        var rows = await db.Complaints.AsNoTracking().Where(c => pageIds.Contains(c.Id))
            .OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id).SelectServiceRequests(db).ToListAsync(ct);
        if (rows.Count > pageSize)
        {
            rows.RemoveAt(rows.Count - 1);
            http.Response.Headers.Link = NextPageLink(http.Request, site.Value, window!.Value, page + 1);
        }
        IReadOnlyList<ServiceRequest> requests = rows.Select(r => r.ToOpen311(router.Categories, calendars.Current, site.Value)).ToList();
        return new Open311Result<IReadOnlyList<ServiceRequest>>(requests, f, "service_requests", "request");
    }

    /// <summary>RFC 8288 <c>Link: &lt;…&gt;; rel="next"</c>. It names the window this page was cut from, so a client that
    /// follows it while complaints keep arriving sees each complaint of that window once (a new one lies after it).</summary>
    private static string NextPageLink(HttpRequest request, PublicSite site, (DateTime From, DateTime To) window, int nextPage)
    {
        var parameters = request.Query.Where(q => q.Key is not ("page" or "start_date" or "end_date"))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .Append(new("start_date", Open311Time.FormatExact(window.From)))
            .Append(new("end_date", Open311Time.FormatExact(window.To)))
            .Append(new("page", nextPage.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return $"<{QueryHelpers.AddQueryString(site.Absolute(request.Path), parameters)}>; rel=\"next\"";
    }

    private static async Task<Results<Open311Result<IReadOnlyList<ServiceRequest>>, Open311Errors>> GetRequest(string id, string format,
        HttpRequest request, UjarDb db, ComplaintRouter router, WorkingCalendars calendars, IOptions<Open311Options> options,
        IOptions<PublicSite> site, CancellationToken ct)
    {
        if (Open311Formats.Parse(format) is not { } f) return UnknownFormat(format);
        if (new Open311Query(request.Query).CheckCommon(f, options.Value) is { } refused) return refused;
        var ticket = id.Trim().ToUpperInvariant();
        var row = await db.Complaints.AsNoTracking().Where(c => c.Ticket == ticket).SelectServiceRequests(db).FirstOrDefaultAsync(ct);
        if (row is null)
            return Open311Errors.NotFound(f, new Bilingual($"permintaan {Shorten(id)} tidak ditemukan", $"request {Shorten(id)} not found"));
        // GeoReport v2 answers a single request as a list of one, like the list itself.
        return new Open311Result<IReadOnlyList<ServiceRequest>>([row.ToOpen311(router.Categories, calendars.Current, site.Value)],
            f, "service_requests", "request");
    }

    private static async Task<Results<Open311Result<IReadOnlyList<TokenRequest>>, Open311Errors>> GetToken(string token, string format,
        HttpRequest request, UjarDb db, IOptions<Open311Options> options, CancellationToken ct)
    {
        if (Open311Formats.Parse(format) is not { } f) return UnknownFormat(format);
        if (new Open311Query(request.Query).CheckCommon(f, options.Value) is { } refused) return refused;
        var ticket = token.Length > ComplaintRules.MaxStoredIdempotencyKeyLength ? null
            : await db.Complaints.AsNoTracking().Where(c => c.Channel == IntakeChannel.Open311 && c.IdempotencyKey == token)
                .Select(c => c.Ticket).FirstOrDefaultAsync(ct);
        if (ticket is null)
            return Open311Errors.NotFound(f, new Bilingual($"token {Shorten(token)} tidak dikenal", $"unknown token {Shorten(token)}"));
        return new Open311Result<IReadOnlyList<TokenRequest>>([new TokenRequest(ticket, token)], f, "service_requests", "request");
    }

    /// <summary>
    /// Files a complaint. Order matters: the key is checked before any photo is decoded and before any field is judged,
    /// and nothing is stored until the intake commits; the answer comes after that commit, with the ticket at once.
    /// </summary>
    private static async Task<Results<Open311Result<IReadOnlyList<FiledRequest>>, Open311Errors>> PostRequest(string format,
        HttpRequest request, UjarDb db, ComplaintIntake intake, PhotoStore photoStore, TimeProvider clock,
        IOptions<Open311Options> options, IOptions<PublicSite> site, KeyedLimits limits, ILoggerFactory loggers, CancellationToken ct)
    {
        if (Open311Formats.Parse(format) is not { } f) return UnknownFormat(format);

        // Keys in a URL end up in access logs and proxies' histories; refuse before reading anything else.
        if (request.Query.ContainsKey("api_key"))
            return Open311Errors.BadRequest(f, [("api_key", new Bilingual(
                "jangan kirim api_key di URL (tercatat di log); kirim di isi permintaan (body)",
                "do not send api_key in the URL (it ends up in logs); send it in the request body"))]);
        var misplaced = request.Query.Keys.Where(k => k != "jurisdiction_id").ToList();
        if (misplaced.Count > 0)
            return Open311Errors.BadRequest(f, misplaced.Select(k => (Shorten(k), new Bilingual(
                "kirim kolom permintaan di isi (body), bukan di URL", "send the request's fields in the body, not in the URL"))));
        var query = new Open311Query(request.Query);
        if (query.CheckCommon(f, options.Value) is { } refusedQuery) return refusedQuery;

        Open311Form form;
        switch (await Open311Filing.ReadAsync(request, f, ct))
        {
            case Open311Filing.Refused refused: return refused.Errors;
            case Open311Filing.Read read: form = read.Form; break;
            default: throw new InvalidOperationException("unreachable");
        }

        var apiKey = form.Fields.GetValueOrDefault("api_key");
        if (apiKey.Count != 1 || await ChannelKeys.FindActiveAsync(db, apiKey[0], IntakeChannel.Open311, ct) is not { } channelKey)
            return Open311Errors.One(StatusCodes.Status403Forbidden, f, Open311Errors.Text(new Bilingual(
                "api_key tidak ada, salah atau sudah dicabut; kirim kunci Open311 Anda di isi permintaan",
                "api_key missing, wrong or revoked; send your Open311 key in the request body")));
        // Per key, known only now: a key is one whole system, so its bucket is larger than an address's.
        if (!limits.TryOpen311Filing(channelKey.Id, out var retryAfter))
        {
            request.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Open311Errors.One(StatusCodes.Status429TooManyRequests, f, Open311Errors.Text(new Bilingual(
                $"terlalu banyak laporan dengan kunci ini dalam waktu singkat; coba lagi dalam {retryAfter} detik",
                $"too many requests with this key in a short time; try again in {retryAfter} seconds")));
        }
        if (form.Fields.GetValueOrDefault("jurisdiction_id") is { Count: > 0 } jurisdiction && !string.IsNullOrWhiteSpace(jurisdiction[0])
            && !options.Value.Serves(jurisdiction[0]!))
            return options.Value.UnknownJurisdiction(f, jurisdiction[0]!);

        var (fields, mediaLink, errors) = Open311Filing.ReadFields(form);
        var idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        if (idempotencyKey.Length > ComplaintRules.MaxIdempotencyKeyLength || idempotencyKey.Any(char.IsControl))
            errors.Add(("Idempotency-Key", new Bilingual($"paling banyak {ComplaintRules.MaxIdempotencyKeyLength} karakter yang dapat dicetak",
                $"at most {ComplaintRules.MaxIdempotencyKeyLength} printable characters")));
        if (errors.Count > 0 || fields is null) return Open311Errors.BadRequest(f, errors);

        var (photos, refusal) = await PhotoForm.DecodeAsync(form.Photos, photoStore, request.HttpContext, ct);
        if (photos is null) return Open311Filing.FromProblem(refusal!, f);

        // The token is the complaint's idempotency key in the Open311 channel: the client's own key when it sent one, so
        // a retry finds the first filing; else a fresh random one, which tokens/{token} answers.
        var token = idempotencyKey.Length > 0 ? idempotencyKey : Base64UrlTextEncoder.Encode(RandomNumberGenerator.GetBytes(16));
        var filing = new IntakeRequest(IntakeChannel.Open311, fields)
        {
            IdempotencyKey = token, Photos = photos, MediaLink = mediaLink, ChannelKeyId = channelKey.Id,
        };
        FiledComplaint filed;
        switch (await intake.FileAsync(filing, ct))
        {
            case ComplaintIntake.Refused refused: return Open311Filing.FromProblem(refused.Problem, f);
            case ComplaintIntake.Filed { Replayed: true } replay
                when await db.Complaints.Where(c => c.Id == replay.Complaint.Id).Select(c => c.ChannelKeyId).FirstAsync(CancellationToken.None)
                    != channelKey.Id:
                // Another system's key: one client must not reach another's filings by guessing its keys.
                return Open311Errors.One(StatusCodes.Status409Conflict, f, Open311Errors.Text("Idempotency-Key", new Bilingual(
                    "sudah dipakai oleh sistem lain; gunakan kunci baru", "already used by another system; use a new key")));
            case ComplaintIntake.Filed ok: filed = ok.Complaint; break;
            default: throw new InvalidOperationException("unreachable");
        }

        try
        {
            // Not the caller's token: the complaint is committed, and noting the key's use must not turn that into an error.
            await ChannelKeys.MarkUsedAsync(db, channelKey.Id, clock.GetUtcNow().UtcDateTime, CancellationToken.None);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or DbUpdateException or TimeoutException)
        {
            loggers.CreateLogger(typeof(Open311Api)).LogWarning(ex, "Could not note the use of channel key {KeyId}", channelKey.Id);
        }

        var notice = new Bilingual(
            $"Laporan {filed.Ticket} diterima dan diteruskan ke {filed.Opd.Name}. Pantau di {site.Value.TrackingUrl(filed.Ticket)}",
            $"Complaint {filed.Ticket} received and sent to {filed.Opd.Name}. Track it at {site.Value.TrackingUrl(filed.Ticket)}");
        return new Open311Result<IReadOnlyList<FiledRequest>>([new FiledRequest(filed.Ticket, token, Open311Errors.Text(notice))],
            f, "service_requests", "request");
    }

    private static async Task<Results<Open311Result<IReadOnlyList<RequestUpdate>>, Open311Errors>> GetUpdates(string format,
        HttpRequest request, UjarDb db, TimeProvider clock, IOptions<Open311Options> options, IOptions<PublicSite> site, CancellationToken ct)
    {
        if (Open311Formats.Parse(format) is not { } f) return UnknownFormat(format);
        var query = new Open311Query(request.Query);
        if (query.CheckCommon(f, options.Value) is { } refused) return refused;
        var window = query.Window(clock.GetUtcNow().UtcDateTime, UpdatesDefaultWindow, RequestsWindow);
        if (query.Errors.Count > 0) return Open311Errors.BadRequest(f, query.Errors);

        var (from, to) = window!.Value;
        var rows = await Open311Updates.InWindow(db, from, to).Take(MaxUpdates + 1).ToListAsync(ct);
        if (rows.Count > MaxUpdates)
            return Open311Errors.BadRequest(f, [("start_date, end_date", new Bilingual(
                $"lebih dari {MaxUpdates} pembaruan dalam rentang ini; persempit rentangnya",
                $"more than {MaxUpdates} updates in this window; ask for a narrower one"))]);
        IReadOnlyList<RequestUpdate> updates = rows.Select(r => r.ToOpen311(site.Value)).ToList();
        return new Open311Result<IReadOnlyList<RequestUpdate>>(updates, f, "service_request_updates", "request_update");
    }

    private static string Shorten(string text) => (text.Length <= 40 ? text : text[..40] + "…").Replace('\0', '?');
}
