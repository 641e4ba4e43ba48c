using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ujar.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class CrewAssignee : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "assignee_id",
                table: "complaints",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_complaints_assignee_id",
                table: "complaints",
                column: "assignee_id");

            migrationBuilder.AddForeignKey(
                name: "fk_complaints_asp_net_users_assignee_id",
                table: "complaints",
                column: "assignee_id",
                principalTable: "AspNetUsers",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_complaints_asp_net_users_assignee_id",
                table: "complaints");

            migrationBuilder.DropIndex(
                name: "ix_complaints_assignee_id",
                table: "complaints");

            migrationBuilder.DropColumn(
                name: "assignee_id",
                table: "complaints");
        }
    }
}
