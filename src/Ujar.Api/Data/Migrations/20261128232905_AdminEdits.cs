using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ujar.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class AdminEdits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "admin_edited_at",
                table: "opds",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "admin_edited_at",
                table: "holidays",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "active",
                table: "categories",
                type: "boolean",
                nullable: false,
                // Every category that exists today is in use.
                defaultValue: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "admin_edited_at",
                table: "categories",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "holiday_removals",
                columns: table => new
                {
                    date = table.Column<DateOnly>(type: "date", nullable: false),
                    removed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    removed_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_holiday_removals", x => x.date);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "holiday_removals");

            migrationBuilder.DropColumn(
                name: "admin_edited_at",
                table: "opds");

            migrationBuilder.DropColumn(
                name: "admin_edited_at",
                table: "holidays");

            migrationBuilder.DropColumn(
                name: "active",
                table: "categories");

            migrationBuilder.DropColumn(
                name: "admin_edited_at",
                table: "categories");
        }
    }
}
