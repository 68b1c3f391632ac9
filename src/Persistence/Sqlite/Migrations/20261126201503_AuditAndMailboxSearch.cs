using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ExSync.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AuditAndMailboxSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "NormalizedName",
                table: "Mailboxes",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            // Existing mailboxes get their normalized name here; SQLite's upper() only folds ASCII, and every later change of a name
            // sets the full Unicode form from .NET.
            migrationBuilder.Sql("UPDATE \"Mailboxes\" SET \"NormalizedName\" = upper(\"Name\");");

            migrationBuilder.CreateTable(
                name: "AuditEvents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OccurredAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false),
                    ActorId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Operation = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    TargetType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    TargetId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Changes = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEvents", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_ActorId_Id",
                table: "AuditEvents",
                columns: new[] { "ActorId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_OccurredAt",
                table: "AuditEvents",
                column: "OccurredAt");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_Operation_Id",
                table: "AuditEvents",
                columns: new[] { "Operation", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_TargetId_Id",
                table: "AuditEvents",
                columns: new[] { "TargetId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditEvents");

            migrationBuilder.DropColumn(
                name: "NormalizedName",
                table: "Mailboxes");
        }
    }
}
