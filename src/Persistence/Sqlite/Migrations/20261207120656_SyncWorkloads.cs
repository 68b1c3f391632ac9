using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ExSync.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SyncWorkloads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ExchangeItemLinks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MailboxId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ItemId = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Folder = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EmailId = table.Column<Guid>(type: "TEXT", nullable: true),
                    WrittenChangeKey = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    StampPending = table.Column<bool>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastReason = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    FirstSeenAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false),
                    UpdatedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExchangeItemLinks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExchangeItemLinks_Mailboxes_MailboxId",
                        column: x => x.MailboxId,
                        principalTable: "Mailboxes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FolderSyncStates",
                columns: table => new
                {
                    MailboxId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Folder = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SyncState = table.Column<string>(type: "TEXT", nullable: true),
                    ConsecutiveResyncs = table.Column<int>(type: "INTEGER", nullable: false),
                    LastFullSyncAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    UpdatedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FolderSyncStates", x => new { x.MailboxId, x.Folder });
                    table.ForeignKey(
                        name: "FK_FolderSyncStates_Mailboxes_MailboxId",
                        column: x => x.MailboxId,
                        principalTable: "Mailboxes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SyncItemEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MailboxId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OccurredAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false),
                    Folder = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ItemId = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    InternetMessageId = table.Column<string>(type: "TEXT", maxLength: 998, nullable: true),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ReasonCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    EmailId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Attempt = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SyncItemEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SyncItemEvents_Mailboxes_MailboxId",
                        column: x => x.MailboxId,
                        principalTable: "Mailboxes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SyncWorkloads",
                columns: table => new
                {
                    MailboxId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Direction = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NextRunAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false),
                    RunRequestedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    LeaseExpiresAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    LastRunStartedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    LastRunCompletedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    LastSuccessAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    EmptyCycles = table.Column<int>(type: "INTEGER", nullable: false),
                    ConsecutiveErrors = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError_Code = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    LastError_Message = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    LastError_Remediation = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    LastError_IsTransient = table.Column<bool>(type: "INTEGER", nullable: true),
                    LastError_OccurredAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    ItemsProcessedLastCycle = table.Column<int>(type: "INTEGER", nullable: false),
                    ItemsFailedLastCycle = table.Column<int>(type: "INTEGER", nullable: false),
                    ItemsProcessedTotal = table.Column<long>(type: "INTEGER", nullable: false),
                    ItemsFailedTotal = table.Column<long>(type: "INTEGER", nullable: false),
                    Backlog = table.Column<int>(type: "INTEGER", nullable: false),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SyncWorkloads", x => new { x.MailboxId, x.Direction });
                    table.ForeignKey(
                        name: "FK_SyncWorkloads_Mailboxes_MailboxId",
                        column: x => x.MailboxId,
                        principalTable: "Mailboxes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ExchangeItemLinks_MailboxId_EmailId",
                table: "ExchangeItemLinks",
                columns: new[] { "MailboxId", "EmailId" });

            migrationBuilder.CreateIndex(
                name: "IX_ExchangeItemLinks_MailboxId_ItemId",
                table: "ExchangeItemLinks",
                columns: new[] { "MailboxId", "ItemId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ExchangeItemLinks_MailboxId_StampPending",
                table: "ExchangeItemLinks",
                columns: new[] { "MailboxId", "StampPending" },
                filter: "\"StampPending\"");

            migrationBuilder.CreateIndex(
                name: "IX_SyncItemEvents_MailboxId_Id",
                table: "SyncItemEvents",
                columns: new[] { "MailboxId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_SyncItemEvents_OccurredAt",
                table: "SyncItemEvents",
                column: "OccurredAt");

            migrationBuilder.CreateIndex(
                name: "IX_SyncWorkloads_LeaseOwner",
                table: "SyncWorkloads",
                column: "LeaseOwner",
                filter: "\"LeaseOwner\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_SyncWorkloads_NextRunAt",
                table: "SyncWorkloads",
                column: "NextRunAt");

            migrationBuilder.CreateIndex(
                name: "IX_SyncWorkloads_State_MailboxId",
                table: "SyncWorkloads",
                columns: new[] { "State", "MailboxId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ExchangeItemLinks");

            migrationBuilder.DropTable(
                name: "FolderSyncStates");

            migrationBuilder.DropTable(
                name: "SyncItemEvents");

            migrationBuilder.DropTable(
                name: "SyncWorkloads");
        }
    }
}
