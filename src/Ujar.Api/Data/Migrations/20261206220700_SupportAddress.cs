using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ujar.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class SupportAddress : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "address_hash",
                table: "supports",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_supports_complaint_id_address_hash",
                table: "supports",
                columns: new[] { "complaint_id", "address_hash" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_supports_complaint_id_address_hash",
                table: "supports");

            migrationBuilder.DropColumn(
                name: "address_hash",
                table: "supports");
        }
    }
}
