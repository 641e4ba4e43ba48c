using Ujar.Api.Accounts;
using Ujar.Api.Admin;
using Ujar.Api.Boundaries;
using Ujar.Api.Categories;
using Ujar.Api.Channels;
using Ujar.Api.Complaints;
using Ujar.Api.Demo;
using Ujar.Api.Hotspots;
using Ujar.Api.Limits;
using Ujar.Api.Live;
using Ujar.Api.Open311;
using Ujar.Api.Performance;
using Ujar.Api.Supports;
using Ujar.Api.Photos;
using Ujar.Api.Routing;
using Ujar.Api.Security;
using Ujar.Api.Setup;
using Ujar.Api.Tasks;
using Ujar.Api.WhatsApp;

// One executable: `serve` (default), `migrate`, `import-boundaries`, `seed-demo`, `channel-key`. See README.
var command = UjarCommand.Parse(args);
var builder = WebApplication.CreateBuilder(command.HostArgs);

builder.Services.AddCity();               // the kota/kabupaten served: the folder Ujar__City names (gis-data/cities/…)
builder.Services.AddUjarDatabase();
builder.Services.AddComplaintRouting();   // point → kelurahan/kecamatan, category → OPD, in memory
builder.Services.AddComplaintIntake();    // group-committed inserts
builder.Services.AddPhotos();             // re-encoded JPEGs (no EXIF) in the media folder
builder.Services.AddLiveEvents();         // SignalR hub fed from the live event log; a Redis backplane with ConnectionStrings__Redis
builder.Services.AddSlaWatcher();         // every minute: escalate overdue complaints, close resolved ones the reporter left unanswered
builder.Services.AddComplaintPoints();    // hotspot layers: every complaint in memory, following the live event log
builder.Services.AddHotspotLayers();      // hex grids and computed layers, cached
builder.Services.AddUjarHttp();           // JSON + GeoJSON, ProblemDetails, OpenAPI
builder.Services.AddHealth();             // /healthz/ready's named checks (database, boundaries)
builder.Services.AddForwardedClients();   // client address and scheme from X-Forwarded-* of configured proxies only
builder.Services.AddSecurityHeaders();    // CSP, nosniff, referrer policy, HSTS and Secure cookie over HTTPS, no Server header
builder.Services.AddCompression();        // brotli/gzip for JSON, GeoJSON, CSV, XML; never for answers carrying secrets
builder.Services.AddAbuseLimits();        // per-address, per-key and per-connection limits (Ujar:Limits), 429 in both languages
builder.Services.AddStaffAccounts();      // Identity + server-side sessions (cookie or bearer), roles admin/opd_staff/crew/planner, keys in PostgreSQL
builder.Services.AddWebApp();             // the map's settings (tile server, start view)
builder.Services.AddOpen311();            // Open311 GeoReport v2: the jurisdiction served (Ujar:Open311)
builder.Services.AddWhatsApp();           // WhatsApp Business: inbox, conversation, outbox and status-change workers, Graph API client
if (command.DemoLive) builder.Services.AddHostedService<DemoLive>();  // serve --demo-live: a plausible complaint every few seconds

var app = builder.Build();
app.UseForwardedClients();
app.UseSecurityHeaders();
app.UseCompression();
app.UseUjarHttp();
app.UseStaffAccounts();
app.UseAbuseLimits();

app.MapHealth();          // /healthz, /healthz/live, /healthz/ready
app.MapAuth();            // POST /api/auth/login (bearer or cookie), /refresh, /logout; GET /api/auth/me
app.MapAdmin();           // Diskominfo: accounts, categories + SLA days, OPDs, holidays (admins only)
app.MapChannelKeys();     // Diskominfo: keys of the systems that file over Open311 (admins only)
app.MapRouting();
app.MapComplaints();
app.MapPhotos();          // photos added later by the reporter; /media/photos/…
app.MapTasks();           // OPD staff and crews: work queue, audit trail, status changes, nearby tasks
app.MapSupports();        // "Dukung" and the nearby list offered before filing a duplicate
app.MapLive();            // /hubs/live and GET /api/events
app.MapHotspots();        // planners' layers: hex bins + Gi*, trend, density clusters, kelurahan
app.MapPerformance();     // public figures per OPD and kecamatan (/kinerja), JSON and CSV
app.MapBoundaries();
app.MapCategories();
app.MapOpen311();         // /open311/v2/: GeoReport v2 (JSON and XML) for FixMyStreet and other systems, with a channel key
app.MapWhatsApp();        // GET/POST /webhooks/whatsapp: Meta's handshake and signed webhooks into the inbox
app.MapWebApp();          // the map front end from web/dist, GET /api/config

return await command.RunAsync(app);

public partial class Program;
