using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Ujar.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class IntakeChannels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_complaints_idempotency_key",
                table: "complaints");

            migrationBuilder.AlterColumn<string>(
                name: "idempotency_key",
                table: "complaints",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(100)",
                oldMaxLength: 100,
                oldNullable: true);

            migrationBuilder.AddColumn<int>(
                name: "channel_key_id",
                table: "complaints",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "is_demo",
                table: "complaints",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // The doors are now Web, Open311 and WhatsApp; demo complaints are marked as such instead of being a channel.
            migrationBuilder.Sql("UPDATE complaints SET is_demo = true, channel = 'Web' WHERE channel = 'Demo'");
            migrationBuilder.Sql("UPDATE complaints SET channel = 'Open311' WHERE channel = 'Api'");
            migrationBuilder.Sql("UPDATE complaints SET channel = 'Web' WHERE channel = 'Phone'");

            migrationBuilder.AddColumn<string>(
                name: "media_link",
                table: "complaints",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "channel_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    key_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    hint = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    revoked_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    revoked_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    last_used_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_channel_keys", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_complaints_channel_key_id",
                table: "complaints",
                column: "channel_key_id");

            migrationBuilder.CreateIndex(
                name: "ix_complaints_idempotency_key_channel",
                table: "complaints",
                columns: new[] { "idempotency_key", "channel" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_channel_keys_key_hash",
                table: "channel_keys",
                column: "key_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_channel_keys_name",
                table: "channel_keys",
                column: "name",
                unique: true,
                filter: "revoked_at IS NULL");

            migrationBuilder.AddForeignKey(
                name: "fk_complaints_channel_keys_channel_key_id",
                table: "complaints",
                column: "channel_key_id",
                principalTable: "channel_keys",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_complaints_channel_keys_channel_key_id",
                table: "complaints");

            migrationBuilder.DropTable(
                name: "channel_keys");

            migrationBuilder.DropIndex(
                name: "ix_complaints_channel_key_id",
                table: "complaints");

            migrationBuilder.DropIndex(
                name: "ix_complaints_idempotency_key_channel",
                table: "complaints");

            migrationBuilder.DropColumn(
                name: "channel_key_id",
                table: "complaints");

            migrationBuilder.DropColumn(
                name: "is_demo",
                table: "complaints");

            migrationBuilder.DropColumn(
                name: "media_link",
                table: "complaints");

            migrationBuilder.AlterColumn<string>(
                name: "idempotency_key",
                table: "complaints",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(200)",
                oldMaxLength: 200,
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_complaints_idempotency_key",
                table: "complaints",
                column: "idempotency_key",
                unique: true);
        }
    }
}
