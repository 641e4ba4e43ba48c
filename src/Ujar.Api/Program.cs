using Ujar.Api.Accounts;
using Ujar.Api.Admin;
using Ujar.Api.Boundaries;
using Ujar.Api.Categories;
using Ujar.Api.Channels;
using Ujar.Api.Complaints;
using Ujar.Api.Demo;
using Ujar.Api.Hotspots;
using Ujar.Api.Live;
using Ujar.Api.Open311;
using Ujar.Api.Performance;
using Ujar.Api.Supports;
using Ujar.Api.Photos;
using Ujar.Api.Routing;
using Ujar.Api.Setup;
using Ujar.Api.Tasks;
using Ujar.Api.WhatsApp;

// One executable: `serve` (default), `migrate`, `import-boundaries`, `seed-demo`, `channel-key`. See README.
var command = UjarCommand.Parse(args);
var builder = WebApplication.CreateBuilder(command.HostArgs);

builder.Services.AddUjarDatabase();
builder.Services.AddComplaintRouting();   // point → kelurahan/kecamatan, category → OPD, in memory
builder.Services.AddComplaintIntake();    // group-committed inserts
builder.Services.AddPhotos();             // re-encoded JPEGs (no EXIF) in the media folder
builder.Services.AddLiveEvents();         // SignalR hub fed from the live event log; a Redis backplane with ConnectionStrings__Redis
builder.Services.AddSlaWatcher();         // every minute: escalate overdue complaints, close resolved ones the reporter left unanswered
builder.Services.AddComplaintPoints();    // hotspot layers: every complaint in memory, following the live event log
builder.Services.AddHotspotLayers();      // hex grids and computed layers, cached
builder.Services.AddUjarHttp();           // JSON + GeoJSON, ProblemDetails, OpenAPI
builder.Services.AddStaffAccounts();      // Identity: cookie + bearer sign-in, roles admin/opd_staff/crew/planner
builder.Services.AddWebApp();             // the map's settings (tile server, start view)
builder.Services.AddOpen311();            // Open311 GeoReport v2: the jurisdiction served (Ujar:Open311)
builder.Services.AddWhatsApp();           // WhatsApp Business: inbox, conversation, outbox and status-change workers, Graph API client
if (command.DemoLive) builder.Services.AddHostedService<DemoLive>();  // serve --demo-live: a plausible complaint every few seconds

var app = builder.Build();
app.UseUjarHttp();
app.UseStaffAccounts();

app.MapHealth();
app.MapAuth();            // POST /api/auth/login (bearer or cookie), /logout, /me
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
