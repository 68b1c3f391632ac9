using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ExSync.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ServerProfiles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    NormalizedName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ServerType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Authentication = table.Column<string>(type: "TEXT", nullable: false),
                    AutoDiscoverServerLocation = table.Column<bool>(type: "INTEGER", nullable: false),
                    UseSameSettingsForOutgoing = table.Column<bool>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false),
                    ModifiedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false),
                    Advanced_ConnectionTimeoutSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    Advanced_MaxConcurrentConnections = table.Column<int>(type: "INTEGER", nullable: false),
                    Advanced_MinPollingIntervalMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    Advanced_MoveFailedEmailsToUndeliverableFolder = table.Column<bool>(type: "INTEGER", nullable: false),
                    Advanced_ProcessEmailsReceivedAfter = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    Advanced_SendAlertToOwnerOnMajorFailures = table.Column<bool>(type: "INTEGER", nullable: false),
                    Incoming_AuthenticationProtocol = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Incoming_Port = table.Column<int>(type: "INTEGER", nullable: true),
                    Incoming_ServerLocation = table.Column<string>(type: "TEXT", maxLength: 2084, nullable: true),
                    Outgoing_AuthenticationProtocol = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Outgoing_Port = table.Column<int>(type: "INTEGER", nullable: true),
                    Outgoing_ServerLocation = table.Column<string>(type: "TEXT", maxLength: 2084, nullable: true),
                    Owner_EmailAddress = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    Owner_Id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServerProfiles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Mailboxes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    EmailAddress = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    NormalizedEmailAddress = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    ServerProfileId = table.Column<Guid>(type: "TEXT", nullable: true),
                    IncomingDeliveryMethod = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OutgoingDeliveryMethod = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ActDeliveryMethod = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SyncOnlyFromThisOrganization = table.Column<bool>(type: "INTEGER", nullable: false),
                    ProcessEmailsReceivedAfter = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ApprovalStatus = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    IncomingEmailStatus = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OutgoingEmailStatus = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ActStatus = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EnabledForIncomingEmail = table.Column<bool>(type: "INTEGER", nullable: false),
                    EnabledForOutgoingEmail = table.Column<bool>(type: "INTEGER", nullable: false),
                    EnabledForAct = table.Column<bool>(type: "INTEGER", nullable: false),
                    TestScheduled = table.Column<bool>(type: "INTEGER", nullable: false),
                    TestRetryCount = table.Column<int>(type: "INTEGER", nullable: false),
                    NextTestAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    LastTestCompletedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    EwsUrl = table.Column<string>(type: "TEXT", maxLength: 2084, nullable: true),
                    CreatedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false),
                    ModifiedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false),
                    LastError_Code = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    LastError_Message = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    LastError_OccurredAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    Owner_Id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Owner_Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Owner_Type = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Mailboxes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Mailboxes_ServerProfiles_ServerProfileId",
                        column: x => x.ServerProfileId,
                        principalTable: "ServerProfiles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "OrganizationEmailSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DefaultServerProfileId = table.Column<Guid>(type: "TEXT", nullable: true),
                    IncomingEmail = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OutgoingEmail = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AppointmentsContactsAndTasks = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProcessEmailsOnlyForApprovedUsers = table.Column<bool>(type: "INTEGER", nullable: false),
                    ProcessEmailsOnlyForApprovedQueues = table.Column<bool>(type: "INTEGER", nullable: false),
                    ModifiedAt = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false),
                    Alerts_Errors = table.Column<bool>(type: "INTEGER", nullable: false),
                    Alerts_Information = table.Column<bool>(type: "INTEGER", nullable: false),
                    Alerts_Warnings = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OrganizationEmailSettings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OrganizationEmailSettings_ServerProfiles_DefaultServerProfileId",
                        column: x => x.DefaultServerProfileId,
                        principalTable: "ServerProfiles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Mailboxes_NormalizedEmailAddress",
                table: "Mailboxes",
                column: "NormalizedEmailAddress",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Mailboxes_ServerProfileId",
                table: "Mailboxes",
                column: "ServerProfileId");

            migrationBuilder.CreateIndex(
                name: "IX_Mailboxes_TestScheduled_NextTestAt",
                table: "Mailboxes",
                columns: new[] { "TestScheduled", "NextTestAt" });

            migrationBuilder.CreateIndex(
                name: "IX_OrganizationEmailSettings_DefaultServerProfileId",
                table: "OrganizationEmailSettings",
                column: "DefaultServerProfileId");

            migrationBuilder.CreateIndex(
                name: "IX_ServerProfiles_NormalizedName",
                table: "ServerProfiles",
                column: "NormalizedName",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Mailboxes");

            migrationBuilder.DropTable(
                name: "OrganizationEmailSettings");

            migrationBuilder.DropTable(
                name: "ServerProfiles");
        }
    }
}
