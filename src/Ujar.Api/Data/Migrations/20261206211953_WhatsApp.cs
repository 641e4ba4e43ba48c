using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Ujar.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class WhatsApp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "whatsapp_conversations",
                columns: table => new
                {
                    wa_id = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    step = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    language = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    latitude = table.Column<double>(type: "double precision", nullable: true),
                    longitude = table.Column<double>(type: "double precision", nullable: true),
                    category_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    description = table.Column<string>(type: "text", nullable: true),
                    category_page = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_whatsapp_conversations", x => x.wa_id);
                });

            migrationBuilder.CreateTable(
                name: "whatsapp_delivery_receipts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    message_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_whatsapp_delivery_receipts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "whatsapp_inbox",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    message_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    wa_id = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    profile_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    text = table.Column<string>(type: "text", nullable: true),
                    latitude = table.Column<double>(type: "double precision", nullable: true),
                    longitude = table.Column<double>(type: "double precision", nullable: true),
                    media_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    reply_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    sent_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    received_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    is_demo = table.Column<bool>(type: "boolean", nullable: false),
                    processed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    gave_up = table.Column<bool>(type: "boolean", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_whatsapp_inbox", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "whatsapp_outbox",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    dedupe_key = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: false),
                    wa_id = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    body = table.Column<string>(type: "jsonb", nullable: false),
                    complaint_id = table.Column<long>(type: "bigint", nullable: true),
                    is_demo = table.Column<bool>(type: "boolean", nullable: false),
                    state = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_error = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    sent_message_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    delivery_status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    delivery_status_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    delivery_error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_whatsapp_outbox", x => x.id);
                    table.ForeignKey(
                        name: "fk_whatsapp_outbox_complaints_complaint_id",
                        column: x => x.complaint_id,
                        principalTable: "complaints",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "whatsapp_reports",
                columns: table => new
                {
                    complaint_id = table.Column<long>(type: "bigint", nullable: false),
                    language = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_whatsapp_reports", x => x.complaint_id);
                    table.ForeignKey(
                        name: "fk_whatsapp_reports_complaints_complaint_id",
                        column: x => x.complaint_id,
                        principalTable: "complaints",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "whatsapp_status_cursor",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    last_seq = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_whatsapp_status_cursor", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_whatsapp_conversations_updated_at",
                table: "whatsapp_conversations",
                column: "updated_at");

            migrationBuilder.CreateIndex(
                name: "ix_whatsapp_delivery_receipts_message_id_status",
                table: "whatsapp_delivery_receipts",
                columns: new[] { "message_id", "status" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_whatsapp_inbox_due",
                table: "whatsapp_inbox",
                columns: new[] { "next_attempt_at", "id" },
                filter: "processed_at IS NULL AND NOT gave_up");

            migrationBuilder.CreateIndex(
                name: "ix_whatsapp_inbox_message_id",
                table: "whatsapp_inbox",
                column: "message_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_whatsapp_inbox_processed_at",
                table: "whatsapp_inbox",
                column: "processed_at",
                filter: "processed_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_whatsapp_inbox_unprocessed",
                table: "whatsapp_inbox",
                columns: new[] { "wa_id", "sent_at", "id" },
                filter: "processed_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_whatsapp_outbox_complaint_id",
                table: "whatsapp_outbox",
                column: "complaint_id");

            migrationBuilder.CreateIndex(
                name: "ix_whatsapp_outbox_dedupe_key",
                table: "whatsapp_outbox",
                column: "dedupe_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_whatsapp_outbox_due",
                table: "whatsapp_outbox",
                columns: new[] { "next_attempt_at", "id" },
                filter: "state = 'Pending' AND sent_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_whatsapp_outbox_pending",
                table: "whatsapp_outbox",
                columns: new[] { "wa_id", "id" },
                filter: "state = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "ix_whatsapp_outbox_sent_message_id",
                table: "whatsapp_outbox",
                column: "sent_message_id",
                filter: "sent_message_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "whatsapp_conversations");

            migrationBuilder.DropTable(
                name: "whatsapp_delivery_receipts");

            migrationBuilder.DropTable(
                name: "whatsapp_inbox");

            migrationBuilder.DropTable(
                name: "whatsapp_outbox");

            migrationBuilder.DropTable(
                name: "whatsapp_reports");

            migrationBuilder.DropTable(
                name: "whatsapp_status_cursor");
        }
    }
}
