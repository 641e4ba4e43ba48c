using Microsoft.EntityFrameworkCore;
using Ujar.Api.Categories;
using Ujar.Api.Complaints;
using Ujar.Api.Boundaries;

namespace Ujar.Api.Data;

public sealed class UjarDb(DbContextOptions<UjarDb> options) : DbContext(options)
{
    public DbSet<Complaint> Complaints => Set<Complaint>();
    public DbSet<Boundary> Boundaries => Set<Boundary>();
    public DbSet<BoundaryGeneration> BoundaryGenerations => Set<BoundaryGeneration>();
    public DbSet<Category> Categories => Set<Category>();
    public DbSet<Opd> Opds => Set<Opd>();
    public DbSet<TicketCounter> TicketCounters => Set<TicketCounter>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.HasPostgresExtension("postgis");

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
            e.Property(c => c.IdempotencyKey).HasMaxLength(ComplaintRules.MaxIdempotencyKeyLength);
            e.HasIndex(c => c.IdempotencyKey).IsUnique();
            // The map lists newest first inside a bbox; the id breaks ties for a stable cursor.
            e.HasIndex(c => new { c.CreatedAt, c.Id }).IsDescending();
            e.HasOne<Category>().WithMany().HasForeignKey(c => c.CategoryCode).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Opd>().WithMany().HasForeignKey(c => c.OpdCode).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<BoundaryGeneration>().WithMany().HasForeignKey(c => c.BoundaryGenerationId).OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<TicketCounter>(e => e.HasKey(t => t.Year));

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
    }
}

/// <summary>The last ticket number handed out in a WIB year; rows are only ever incremented.</summary>
public sealed class TicketCounter
{
    public int Year { get; set; }
    public int LastNumber { get; set; }
}
