using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ExSync.Persistence.PostgreSql.Migrations
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    MailboxId = table.Column<Guid>(type: "uuid", nullable: false),
                    ItemId = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    Folder = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    EmailId = table.Column<Guid>(type: "uuid", nullable: true),
                    WrittenChangeKey = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    StampPending = table.Column<bool>(type: "boolean", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    LastReason = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    FirstSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    MailboxId = table.Column<Guid>(type: "uuid", nullable: false),
                    Folder = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SyncState = table.Column<string>(type: "text", nullable: true),
                    ConsecutiveResyncs = table.Column<int>(type: "integer", nullable: false),
                    LastFullSyncAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    MailboxId = table.Column<Guid>(type: "uuid", nullable: false),
                    OccurredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Folder = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ItemId = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    InternetMessageId = table.Column<string>(type: "character varying(998)", maxLength: 998, nullable: true),
                    Subject = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    Outcome = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ReasonCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Detail = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    EmailId = table.Column<Guid>(type: "uuid", nullable: true),
                    Attempt = table.Column<int>(type: "integer", nullable: false)
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
                    MailboxId = table.Column<Guid>(type: "uuid", nullable: false),
                    Direction = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    NextRunAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RunRequestedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LeaseOwner = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LeaseExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastRunStartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastRunCompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastSuccessAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    EmptyCycles = table.Column<int>(type: "integer", nullable: false),
                    ConsecutiveErrors = table.Column<int>(type: "integer", nullable: false),
                    LastError_Code = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LastError_Message = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    LastError_Remediation = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    LastError_IsTransient = table.Column<bool>(type: "boolean", nullable: true),
                    LastError_OccurredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ItemsProcessedLastCycle = table.Column<int>(type: "integer", nullable: false),
                    ItemsFailedLastCycle = table.Column<int>(type: "integer", nullable: false),
                    ItemsProcessedTotal = table.Column<long>(type: "bigint", nullable: false),
                    ItemsFailedTotal = table.Column<long>(type: "bigint", nullable: false),
                    Backlog = table.Column<int>(type: "integer", nullable: false),
                    Revision = table.Column<long>(type: "bigint", nullable: false)
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
