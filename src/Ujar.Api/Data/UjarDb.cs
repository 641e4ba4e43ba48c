using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Accounts;
using Ujar.Api.Categories;
using Ujar.Api.Channels;
using Ujar.Api.Complaints;
using Ujar.Api.Deadlines;
using Ujar.Api.Live;
using Ujar.Api.Photos;
using Ujar.Api.Supports;
using Ujar.Api.Boundaries;
using Ujar.Api.WhatsApp;

namespace Ujar.Api.Data;

/// <summary>Ujar's one database: complaints and boundaries, reference tables, the live event log, (through Identity) the
/// staff accounts and their roles, their sessions, and the data-protection keys every instance signs cookies and tokens with.</summary>
public sealed class UjarDb(DbContextOptions<UjarDb> options) : IdentityDbContext<StaffUser>(options), IDataProtectionKeyContext
{
    public DbSet<Complaint> Complaints => Set<Complaint>();
    public DbSet<Boundary> Boundaries => Set<Boundary>();
    public DbSet<BoundaryGeneration> BoundaryGenerations => Set<BoundaryGeneration>();
    public DbSet<Category> Categories => Set<Category>();
    public DbSet<Opd> Opds => Set<Opd>();
    public DbSet<TicketCounter> TicketCounters => Set<TicketCounter>();
    public DbSet<Photo> Photos => Set<Photo>();
    public DbSet<Support> Supports => Set<Support>();
    public DbSet<StatusChange> StatusChanges => Set<StatusChange>();
    public DbSet<LiveEventRecord> LiveEvents => Set<LiveEventRecord>();
    public DbSet<Holiday> Holidays => Set<Holiday>();
    public DbSet<HolidayRemoval> HolidayRemovals => Set<HolidayRemoval>();
    public DbSet<Escalation> Escalations => Set<Escalation>();
    public DbSet<ChannelKey> ChannelKeys => Set<ChannelKey>();
    public DbSet<WhatsAppInboxMessage> WhatsAppInbox => Set<WhatsAppInboxMessage>();
    public DbSet<WhatsAppConversation> WhatsAppConversations => Set<WhatsAppConversation>();
    public DbSet<WhatsAppOutboxMessage> WhatsAppOutbox => Set<WhatsAppOutboxMessage>();
    public DbSet<WhatsAppDeliveryReceipt> WhatsAppDeliveryReceipts => Set<WhatsAppDeliveryReceipt>();
    public DbSet<WhatsAppReport> WhatsAppReports => Set<WhatsAppReport>();
    public DbSet<WhatsAppStatusCursor> WhatsAppStatusCursor => Set<WhatsAppStatusCursor>();
    public DbSet<StaffSession> StaffSessions => Set<StaffSession>();
    public DbSet<SignInThrottleEntry> SignInThrottle => Set<SignInThrottleEntry>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        base.OnModelCreating(model);
        model.HasPostgresExtension("postgis");

        model.Entity<StaffUser>(e =>
        {
            e.Property(u => u.DisplayName).HasMaxLength(200);
            e.Property(u => u.OpdCode).HasMaxLength(40);
            e.HasOne<Opd>().WithMany().HasForeignKey(u => u.OpdCode).OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<StaffSession>(e =>
        {
            e.Property(s => s.Kind).HasConversion<string>().HasMaxLength(10);
            e.Property(s => s.RevokedReason).HasMaxLength(40);
            e.Property(s => s.ClientAddress).HasMaxLength(45);
            e.Property(s => s.UserAgent).HasMaxLength(Accounts.Sessions.MaxUserAgentLength);
            e.Property(s => s.RefreshTokenHash).HasMaxLength(64);
            // An account change ends the account's open sessions.
            e.HasIndex(s => s.UserId).HasFilter("revoked_at IS NULL");
            e.HasOne<StaffUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<SignInThrottleEntry>(e =>
        {
            e.ToTable("sign_in_throttle");
            e.HasKey(t => t.Key);
            e.Property(t => t.Key).HasMaxLength(64);
            // Entries past SignInThrottle.Memory are swept by the next successful sign-in.
            e.HasIndex(t => t.LastFailureAt);
        });

        model.Entity<Escalation>(e =>
        {
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(10);
            e.Property(x => x.OpdCode).HasMaxLength(40);
            e.HasIndex(x => new { x.ComplaintId, x.Kind, x.DueUtc }).IsUnique();
            e.HasOne<Complaint>().WithMany().HasForeignKey(x => x.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<Complaint>(e =>
        {
            e.Property(c => c.Ticket).HasMaxLength(20);
            e.HasIndex(c => c.Ticket).IsUnique();
            e.Property(c => c.CategoryCode).HasMaxLength(40);
            e.Property(c => c.Description).HasMaxLength(ComplaintRules.MaxDescriptionLength);
            e.Property(c => c.Location).HasColumnType("geometry(Point,4326)");
            e.HasIndex(c => c.Location).HasMethod("gist");
            e.Property(c => c.KelurahanCode).HasMaxLength(20);
            e.Property(c => c.KecamatanCode).HasMaxLength(20);
            e.Property(c => c.OpdCode).HasMaxLength(40);
            e.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(c => c.Channel).HasConversion<string>().HasMaxLength(20);
            e.Property(c => c.ReporterName).HasMaxLength(ComplaintRules.MaxContactLength);
            e.Property(c => c.ReporterPhone).HasMaxLength(ComplaintRules.MaxContactLength);
            e.Property(c => c.ReporterEmail).HasMaxLength(ComplaintRules.MaxContactLength);
            // Room for the keys other doors derive (a WhatsApp message id); the web's header stays at its own limit.
            e.Property(c => c.IdempotencyKey).HasMaxLength(ComplaintRules.MaxStoredIdempotencyKeyLength);
            // Per door: a key one channel chose never answers for another channel's complaint. The key leads, so a lookup by
            // key alone (the writer's) uses the index.
            e.HasIndex(c => new { c.IdempotencyKey, c.Channel }).IsUnique();
            e.Property(c => c.MediaLink).HasMaxLength(ComplaintRules.MaxMediaLinkLength);
            e.HasOne<ChannelKey>().WithMany().HasForeignKey(c => c.ChannelKeyId).OnDelete(DeleteBehavior.Restrict);
            e.Property(c => c.ReporterTokenHash).HasMaxLength(64);
            e.Property(c => c.Version).IsRowVersion();
            e.Property(c => c.AssigneeId).HasMaxLength(450);
            // An account removed later leaves the complaint unassigned rather than blocking the removal.
            e.HasOne<StaffUser>().WithMany().HasForeignKey(c => c.AssigneeId).OnDelete(DeleteBehavior.SetNull);
            // The map lists newest first inside a bbox; the id breaks ties for a stable cursor.
            e.HasIndex(c => new { c.CreatedAt, c.Id }).IsDescending();
            e.HasOne<Category>().WithMany().HasForeignKey(c => c.CategoryCode).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Opd>().WithMany().HasForeignKey(c => c.OpdCode).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<BoundaryGeneration>().WithMany().HasForeignKey(c => c.BoundaryGenerationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Complaint>().WithMany().HasForeignKey(c => c.DuplicateOfId).OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<TicketCounter>(e => e.HasKey(t => t.Year));

        model.Entity<ChannelKey>(e =>
        {
            e.Property(k => k.Name).HasMaxLength(Channels.ChannelKeys.MaxNameLength);
            e.HasIndex(k => k.Name).IsUnique().HasFilter("revoked_at IS NULL");
            e.Property(k => k.Channel).HasConversion<string>().HasMaxLength(20);
            e.Property(k => k.KeyHash).HasMaxLength(64);
            e.HasIndex(k => k.KeyHash).IsUnique();
            e.Property(k => k.Hint).HasMaxLength(4);
            e.Property(k => k.CreatedBy).HasMaxLength(256);
            e.Property(k => k.RevokedBy).HasMaxLength(256);
        });

        model.Entity<Photo>(e =>
        {
            e.Property(p => p.Kind).HasConversion<string>().HasMaxLength(10);
            e.HasIndex(p => new { p.ComplaintId, p.CreatedAt });
            e.HasOne<Complaint>().WithMany().HasForeignKey(p => p.ComplaintId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<StatusChange>().WithMany().HasForeignKey(p => p.StatusChangeId).OnDelete(DeleteBehavior.SetNull);
        });

        model.Entity<Support>(e =>
        {
            e.HasKey(s => new { s.ComplaintId, s.DeviceTokenHash });
            e.Property(s => s.DeviceTokenHash).HasMaxLength(64);
            e.Property(s => s.AddressHash).HasMaxLength(64);
            // How many supports one address gave one complaint: counted under that complaint's row lock.
            e.HasIndex(s => new { s.ComplaintId, s.AddressHash });
            e.HasOne<Complaint>().WithMany().HasForeignKey(s => s.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<StatusChange>(e =>
        {
            e.Property(s => s.From).HasConversion<string>().HasMaxLength(20);
            e.Property(s => s.To).HasConversion<string>().HasMaxLength(20);
            e.Property(s => s.Note).HasMaxLength(2000);
            e.Property(s => s.InternalNote).HasMaxLength(2000);
            e.Property(s => s.ActorId).HasMaxLength(450);
            e.Property(s => s.ActorRole).HasMaxLength(20);
            e.Property(s => s.ActorName).HasMaxLength(200);
            e.Property(s => s.OpdCode).HasMaxLength(40);
            e.HasIndex(s => new { s.ComplaintId, s.At });
            e.HasOne<Complaint>().WithMany().HasForeignKey(s => s.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<LiveEventRecord>(e =>
        {
            e.ToTable("live_events");
            e.HasKey(l => l.Seq);
            e.Property(l => l.Type).HasConversion<string>().HasMaxLength(20);
            e.Property(l => l.Ticket).HasMaxLength(20);
            e.Property(l => l.Category).HasMaxLength(40);
            e.Property(l => l.Status).HasMaxLength(20);
            e.Property(l => l.KecamatanCode).HasMaxLength(20);
            e.Property(l => l.OpdCode).HasMaxLength(40);
        });

        model.Entity<Boundary>(e =>
        {
            e.Property(b => b.Level).HasConversion<string>().HasMaxLength(12);
            e.Property(b => b.Code).HasMaxLength(20);
            e.Property(b => b.Name).HasMaxLength(200);
            e.Property(b => b.ParentCode).HasMaxLength(20);
            e.Property(b => b.Geometry).HasColumnType("geometry(MultiPolygon,4326)");
            e.HasIndex(b => b.Geometry).HasMethod("gist");
            e.HasIndex(b => new { b.GenerationId, b.Level, b.Code }).IsUnique();
            e.HasOne<BoundaryGeneration>().WithMany().HasForeignKey(b => b.GenerationId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<BoundaryGeneration>(e =>
        {
            e.Property(g => g.Source).HasMaxLength(500);
            // At most one active generation, enforced by the database, not by care.
            e.HasIndex(g => g.IsActive).IsUnique().HasFilter("is_active");
        });

        model.Entity<Opd>(e =>
        {
            e.HasKey(o => o.Code);
            e.Property(o => o.Code).HasMaxLength(40);
            e.Property(o => o.Name).HasMaxLength(200);
            e.Property(o => o.NameEn).HasMaxLength(200);
        });

        model.Entity<Category>(e =>
        {
            e.HasKey(c => c.Code);
            e.Property(c => c.Code).HasMaxLength(40);
            e.Property(c => c.NameId).HasMaxLength(200);
            e.Property(c => c.NameEn).HasMaxLength(200);
            e.Property(c => c.Icon).HasMaxLength(40);
            e.HasOne<Opd>().WithMany().HasForeignKey(c => c.OpdCode).OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<Holiday>(e =>
        {
            e.HasKey(h => h.Date);
            e.Property(h => h.NameId).HasMaxLength(200);
            e.Property(h => h.NameEn).HasMaxLength(200);
            e.Property(h => h.Kind).HasConversion<string>().HasMaxLength(20);
        });

        model.Entity<HolidayRemoval>(e =>
        {
            e.HasKey(h => h.Date);
            e.Property(h => h.RemovedBy).HasMaxLength(256);
        });

        ConfigureWhatsApp(model);
    }

    /// <summary>The WhatsApp door's tables. Names are spelt out: the naming convention would make "whats_app_…" of them.</summary>
    private static void ConfigureWhatsApp(ModelBuilder model)
    {
        model.Entity<WhatsAppInboxMessage>(e =>
        {
            e.ToTable("whatsapp_inbox");
            e.Property(m => m.MessageId).HasMaxLength(200);
            // Meta re-delivers: the second copy of a message finds its id here and is not stored again.
            e.HasIndex(m => m.MessageId).IsUnique();
            e.Property(m => m.WaId).HasMaxLength(20);
            e.Property(m => m.ProfileName).HasMaxLength(ComplaintRules.MaxContactLength);
            e.Property(m => m.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(m => m.MediaId).HasMaxLength(200);
            e.Property(m => m.ReplyId).HasMaxLength(200);
            // The worker's claim walks the due messages (first index) and asks, per sender, whether an earlier one is still
            // unprocessed (second). The first index's predicate says "not given up" too, which the per-sender question does not:
            // so that question can only be answered from the second index, even when the statistics were taken with an empty
            // queue and the planner believes any index of unprocessed rows is empty (then it scanned every waiting message
            // per claim: 2 ms at 2,000 waiting, 80 ms at 20,000 with the first plan tried).
            e.HasIndex(m => new { m.NextAttemptAt, m.Id }).HasFilter("processed_at IS NULL AND NOT gave_up").HasDatabaseName("ix_whatsapp_inbox_due");
            e.HasIndex(m => new { m.WaId, m.SentAt, m.Id }).HasFilter("processed_at IS NULL").HasDatabaseName("ix_whatsapp_inbox_unprocessed");
            e.HasIndex(m => m.ProcessedAt).HasFilter("processed_at IS NOT NULL");
        });

        model.Entity<WhatsAppConversation>(e =>
        {
            e.ToTable("whatsapp_conversations");
            e.HasKey(c => c.WaId);
            e.Property(c => c.WaId).HasMaxLength(20);
            e.Property(c => c.Step).HasConversion<string>().HasMaxLength(30);
            e.Property(c => c.Language).HasConversion<string>().HasMaxLength(20);
            e.Property(c => c.CategoryCode).HasMaxLength(40);
            e.HasIndex(c => c.UpdatedAt);
        });

        model.Entity<WhatsAppOutboxMessage>(e =>
        {
            e.ToTable("whatsapp_outbox");
            e.Property(m => m.DedupeKey).HasMaxLength(250);
            e.HasIndex(m => m.DedupeKey).IsUnique();
            e.Property(m => m.WaId).HasMaxLength(20);
            e.Property(m => m.Body).HasColumnType("jsonb");
            e.Property(m => m.State).HasConversion<string>().HasMaxLength(20);
            e.Property(m => m.SentMessageId).HasMaxLength(200);
            // Not unique: the delivery callbacks look rows up by it, and a duplicate id from Meta must not make a sent row fail to save.
            e.HasIndex(m => m.SentMessageId).HasFilter("sent_message_id IS NOT NULL");
            e.Property(m => m.DeliveryStatus).HasMaxLength(20);
            // The sender's claim, as the inbox's: due rows from the first index (never the sent history), and per recipient the
            // older pending ones from the second, which alone matches that question ("not yet sent" is only in the first).
            e.HasIndex(m => new { m.NextAttemptAt, m.Id }).HasFilter("state = 'Pending' AND sent_at IS NULL").HasDatabaseName("ix_whatsapp_outbox_due");
            e.HasIndex(m => new { m.WaId, m.Id }).HasFilter("state = 'Pending'").HasDatabaseName("ix_whatsapp_outbox_pending");
            e.HasOne<Complaint>().WithMany().HasForeignKey(m => m.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<WhatsAppDeliveryReceipt>(e =>
        {
            e.ToTable("whatsapp_delivery_receipts");
            e.Property(r => r.MessageId).HasMaxLength(200);
            e.Property(r => r.Status).HasMaxLength(20);
            e.HasIndex(r => new { r.MessageId, r.Status }).IsUnique();
        });

        model.Entity<WhatsAppReport>(e =>
        {
            e.ToTable("whatsapp_reports");
            e.HasKey(r => r.ComplaintId);
            e.Property(r => r.ComplaintId).ValueGeneratedNever();
            e.Property(r => r.Language).HasConversion<string>().HasMaxLength(20);
            e.HasOne<Complaint>().WithOne().HasForeignKey<WhatsAppReport>(r => r.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<WhatsAppStatusCursor>(e =>
        {
            e.ToTable("whatsapp_status_cursor");
            e.Property(c => c.Id).ValueGeneratedNever();
        });
    }
}

/// <summary>The last ticket number handed out in a WIB year; rows are only ever incremented.</summary>
public sealed class TicketCounter
{
    public int Year { get; set; }
    public int LastNumber { get; set; }
}
