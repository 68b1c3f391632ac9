using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ExSync.Persistence.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class CrmSide : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing rows get the documented defaults of the new settings (edited by hand: the model has no database defaults).
            migrationBuilder.AddColumn<int>(
                name: "MaxAttachmentSizeKilobytes",
                table: "OrganizationEmailSettings",
                type: "integer",
                nullable: false,
                defaultValue: 5120);

            migrationBuilder.AddColumn<bool>(
                name: "TrackSentItems",
                table: "OrganizationEmailSettings",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "TrackingCategoryName",
                table: "OrganizationEmailSettings",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "Tracked to CRM");

            migrationBuilder.AddColumn<int>(
                name: "TrackingTokenDigits",
                table: "OrganizationEmailSettings",
                type: "integer",
                nullable: false,
                defaultValue: 7);

            migrationBuilder.AddColumn<string>(
                name: "TrackingTokenPrefix",
                table: "OrganizationEmailSettings",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "CRM:");

            migrationBuilder.AddColumn<bool>(
                name: "UseTrackingToken",
                table: "OrganizationEmailSettings",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "DeleteEmailsAfterProcessing",
                table: "Mailboxes",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "IncomingEmailFilteringMethod",
                table: "Mailboxes",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "ResponsesToCrmEmail");

            migrationBuilder.CreateTable(
                name: "ChangeFeedState",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    PrunedThrough = table.Column<long>(type: "bigint", nullable: false),
                    PrunedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChangeFeedState", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Changes",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ObjectType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ObjectId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Operation = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    OccurredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Changes", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "DirectoryEntries",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    RecordType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RecordId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ModifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Revision = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DirectoryEntries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Emails",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Direction = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    MailboxId = table.Column<Guid>(type: "uuid", nullable: false),
                    Subject = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    From = table.Column<string>(type: "text", nullable: true),
                    To = table.Column<string>(type: "text", nullable: false),
                    Cc = table.Column<string>(type: "text", nullable: false),
                    Bcc = table.Column<string>(type: "text", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ActivityDate = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    InternetMessageId = table.Column<string>(type: "character varying(998)", maxLength: 998, nullable: true),
                    DeduplicationKey = table.Column<string>(type: "character varying(1009)", maxLength: 1009, nullable: false),
                    InReplyTo = table.Column<string>(type: "character varying(998)", maxLength: 998, nullable: true),
                    References = table.Column<string>(type: "text", nullable: false),
                    ConversationId = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    CorrelationMethod = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CorrelatedEmailId = table.Column<Guid>(type: "uuid", nullable: true),
                    RegardingRecordType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    RegardingRecordId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    TrackingToken = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    TrackedBecause = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ModifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Emails", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DirectoryEntryAddresses",
                columns: table => new
                {
                    EntryId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Address = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    NormalizedAddress = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DirectoryEntryAddresses", x => new { x.EntryId, x.Position });
                    table.ForeignKey(
                        name: "FK_DirectoryEntryAddresses_DirectoryEntries_EntryId",
                        column: x => x.EntryId,
                        principalTable: "DirectoryEntries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EmailAttachments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    EmailId = table.Column<Guid>(type: "uuid", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    ContentType = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    ContentId = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    IsInline = table.Column<bool>(type: "boolean", nullable: false),
                    SkipReason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EmailAttachments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EmailAttachments_Emails_EmailId",
                        column: x => x.EmailId,
                        principalTable: "Emails",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EmailBodies",
                columns: table => new
                {
                    EmailId = table.Column<Guid>(type: "uuid", nullable: false),
                    ContentType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Content = table.Column<string>(type: "text", nullable: false),
                    TextContent = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EmailBodies", x => x.EmailId);
                    table.ForeignKey(
                        name: "FK_EmailBodies_Emails_EmailId",
                        column: x => x.EmailId,
                        principalTable: "Emails",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EmailMailboxes",
                columns: table => new
                {
                    EmailId = table.Column<Guid>(type: "uuid", nullable: false),
                    MailboxId = table.Column<Guid>(type: "uuid", nullable: false),
                    Receiving = table.Column<bool>(type: "boolean", nullable: false),
                    AddedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EmailMailboxes", x => new { x.EmailId, x.MailboxId });
                    table.ForeignKey(
                        name: "FK_EmailMailboxes_Emails_EmailId",
                        column: x => x.EmailId,
                        principalTable: "Emails",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EmailAttachmentContents",
                columns: table => new
                {
                    AttachmentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EmailAttachmentContents", x => x.AttachmentId);
                    table.ForeignKey(
                        name: "FK_EmailAttachmentContents_EmailAttachments_AttachmentId",
                        column: x => x.AttachmentId,
                        principalTable: "EmailAttachments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "ChangeFeedState",
                columns: new[] { "Id", "PrunedAt", "PrunedThrough" },
                values: new object[] { 1, null, 0L });

            migrationBuilder.CreateIndex(
                name: "IX_Changes_OccurredAt",
                table: "Changes",
                column: "OccurredAt");

            migrationBuilder.CreateIndex(
                name: "IX_DirectoryEntries_RecordId_RecordType",
                table: "DirectoryEntries",
                columns: new[] { "RecordId", "RecordType" });

            migrationBuilder.CreateIndex(
                name: "IX_DirectoryEntries_RecordType_Id",
                table: "DirectoryEntries",
                columns: new[] { "RecordType", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_DirectoryEntryAddresses_NormalizedAddress_EntryId",
                table: "DirectoryEntryAddresses",
                columns: new[] { "NormalizedAddress", "EntryId" });

            migrationBuilder.CreateIndex(
                name: "IX_EmailAttachments_EmailId_Position",
                table: "EmailAttachments",
                columns: new[] { "EmailId", "Position" });

            migrationBuilder.CreateIndex(
                name: "IX_EmailMailboxes_MailboxId_EmailId",
                table: "EmailMailboxes",
                columns: new[] { "MailboxId", "EmailId" });

            migrationBuilder.CreateIndex(
                name: "IX_Emails_ActivityDate",
                table: "Emails",
                column: "ActivityDate");

            migrationBuilder.CreateIndex(
                name: "IX_Emails_ConversationId_Id",
                table: "Emails",
                columns: new[] { "ConversationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Emails_DeduplicationKey",
                table: "Emails",
                column: "DeduplicationKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Emails_Direction_Id",
                table: "Emails",
                columns: new[] { "Direction", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Emails_RegardingRecordId_Id",
                table: "Emails",
                columns: new[] { "RegardingRecordId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Emails_TrackingToken",
                table: "Emails",
                column: "TrackingToken");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ChangeFeedState");

            migrationBuilder.DropTable(
                name: "Changes");

            migrationBuilder.DropTable(
                name: "DirectoryEntryAddresses");

            migrationBuilder.DropTable(
                name: "EmailAttachmentContents");

            migrationBuilder.DropTable(
                name: "EmailBodies");

            migrationBuilder.DropTable(
                name: "EmailMailboxes");

            migrationBuilder.DropTable(
                name: "DirectoryEntries");

            migrationBuilder.DropTable(
                name: "EmailAttachments");

            migrationBuilder.DropTable(
                name: "Emails");

            migrationBuilder.DropColumn(
                name: "MaxAttachmentSizeKilobytes",
                table: "OrganizationEmailSettings");

            migrationBuilder.DropColumn(
                name: "TrackSentItems",
                table: "OrganizationEmailSettings");

            migrationBuilder.DropColumn(
                name: "TrackingCategoryName",
                table: "OrganizationEmailSettings");

            migrationBuilder.DropColumn(
                name: "TrackingTokenDigits",
                table: "OrganizationEmailSettings");

            migrationBuilder.DropColumn(
                name: "TrackingTokenPrefix",
                table: "OrganizationEmailSettings");

            migrationBuilder.DropColumn(
                name: "UseTrackingToken",
                table: "OrganizationEmailSettings");

            migrationBuilder.DropColumn(
                name: "DeleteEmailsAfterProcessing",
                table: "Mailboxes");

            migrationBuilder.DropColumn(
                name: "IncomingEmailFilteringMethod",
                table: "Mailboxes");
        }
    }
}
