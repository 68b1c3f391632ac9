using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ExSync.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class JobsAndAlerts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TrustedCaCertificatePem",
                table: "ServerProfiles",
                type: "TEXT",
                maxLength: 65536,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Alerts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Remediation = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    RecipientId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RecipientRole = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RecipientEmailAddress = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    MailboxId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ServerProfileId = table.Column<Guid>(type: "TEXT", nullable: true),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Alerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Jobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false),
                    StartedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    CompletedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    LastUpdatedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false),
                    ServerProfileId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TargetEmailAddress = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    SendTestMessage = table.Column<bool>(type: "INTEGER", nullable: false),
                    Total = table.Column<int>(type: "INTEGER", nullable: false),
                    Succeeded = table.Column<int>(type: "INTEGER", nullable: false),
                    Failed = table.Column<int>(type: "INTEGER", nullable: false),
                    RetryScheduled = table.Column<int>(type: "INTEGER", nullable: false),
                    Skipped = table.Column<int>(type: "INTEGER", nullable: false),
                    Canceled = table.Column<int>(type: "INTEGER", nullable: false),
                    ErrorCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ErrorMessage = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    CancelRequested = table.Column<bool>(type: "INTEGER", nullable: false),
                    RequestId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    RequestFingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "JobItems",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MailboxId = table.Column<Guid>(type: "TEXT", nullable: true),
                    EmailAddress = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    LeaseExpiresAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ServerProfileId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ErrorCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ResultJson = table.Column<string>(type: "TEXT", nullable: true),
                    CompletedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_JobItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_JobItems_Jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "Jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_CreatedAt",
                table: "Alerts",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_MailboxId_Id",
                table: "Alerts",
                columns: new[] { "MailboxId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_RecipientId_Id",
                table: "Alerts",
                columns: new[] { "RecipientId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_ServerProfileId_Code_CreatedAt",
                table: "Alerts",
                columns: new[] { "ServerProfileId", "Code", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_JobItems_JobId_Id",
                table: "JobItems",
                columns: new[] { "JobId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_JobItems_JobId_State_Id",
                table: "JobItems",
                columns: new[] { "JobId", "State", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_JobItems_MailboxId_State",
                table: "JobItems",
                columns: new[] { "MailboxId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_JobItems_ServerProfileId_CompletedAt",
                table: "JobItems",
                columns: new[] { "ServerProfileId", "CompletedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_CompletedAt",
                table: "Jobs",
                column: "CompletedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_CreatedBy_RequestId",
                table: "Jobs",
                columns: new[] { "CreatedBy", "RequestId" },
                unique: true,
                filter: "\"RequestId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_Status_CreatedAt",
                table: "Jobs",
                columns: new[] { "Status", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Alerts");

            migrationBuilder.DropTable(
                name: "JobItems");

            migrationBuilder.DropTable(
                name: "Jobs");

            migrationBuilder.DropColumn(
                name: "TrustedCaCertificatePem",
                table: "ServerProfiles");
        }
    }
}
