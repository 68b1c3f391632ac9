using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ExSync.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class OutgoingEmail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "TrackInternalEmailAsTwoActivities",
                table: "OrganizationEmailSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "LastSendErrorCode",
                table: "Emails",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastSendErrorMessage",
                table: "Emails",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NextSendAttemptAt",
                table: "Emails",
                type: "TEXT",
                maxLength: 28,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SendAttempts",
                table: "Emails",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "SendLeaseUntil",
                table: "Emails",
                type: "TEXT",
                maxLength: 28,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "SendOutcomeUnknown",
                table: "Emails",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "SendRequestedAt",
                table: "Emails",
                type: "TEXT",
                maxLength: 28,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "EmailRequests",
                columns: table => new
                {
                    CallerId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RequestId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EmailId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EmailRequests", x => new { x.CallerId, x.RequestId });
                    table.ForeignKey(
                        name: "FK_EmailRequests_Emails_EmailId",
                        column: x => x.EmailId,
                        principalTable: "Emails",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Emails_Status_NextSendAttemptAt",
                table: "Emails",
                columns: new[] { "Status", "NextSendAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_EmailRequests_EmailId",
                table: "EmailRequests",
                column: "EmailId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EmailRequests");

            migrationBuilder.DropIndex(
                name: "IX_Emails_Status_NextSendAttemptAt",
                table: "Emails");

            migrationBuilder.DropColumn(
                name: "TrackInternalEmailAsTwoActivities",
                table: "OrganizationEmailSettings");

            migrationBuilder.DropColumn(
                name: "LastSendErrorCode",
                table: "Emails");

            migrationBuilder.DropColumn(
                name: "LastSendErrorMessage",
                table: "Emails");

            migrationBuilder.DropColumn(
                name: "NextSendAttemptAt",
                table: "Emails");

            migrationBuilder.DropColumn(
                name: "SendAttempts",
                table: "Emails");

            migrationBuilder.DropColumn(
                name: "SendLeaseUntil",
                table: "Emails");

            migrationBuilder.DropColumn(
                name: "SendOutcomeUnknown",
                table: "Emails");

            migrationBuilder.DropColumn(
                name: "SendRequestedAt",
                table: "Emails");
        }
    }
}
