using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ExSync.Persistence.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Alerts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Severity = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Code = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Title = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Message = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Remediation = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    RecipientId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RecipientRole = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RecipientEmailAddress = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    MailboxId = table.Column<Guid>(type: "uuid", nullable: true),
                    ServerProfileId = table.Column<Guid>(type: "uuid", nullable: true),
                    JobId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Alerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditEvents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OccurredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ActorId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Operation = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    TargetType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    TargetId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Changes = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ConnectionGrants",
                columns: table => new
                {
                    ServerProfileId = table.Column<Guid>(type: "uuid", nullable: false),
                    InstanceId = table.Column<Guid>(type: "uuid", nullable: false),
                    Granted = table.Column<int>(type: "integer", nullable: false),
                    Demand = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConnectionGrants", x => new { x.ServerProfileId, x.InstanceId });
                });

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FriendlyName = table.Column<string>(type: "text", nullable: true),
                    Xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Instances",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Roles = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    HeartbeatAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Beat = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Instances", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Jobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastUpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ServerProfileId = table.Column<Guid>(type: "uuid", nullable: true),
                    TargetEmailAddress = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    SendTestMessage = table.Column<bool>(type: "boolean", nullable: false),
                    Total = table.Column<int>(type: "integer", nullable: false),
                    Succeeded = table.Column<int>(type: "integer", nullable: false),
                    Failed = table.Column<int>(type: "integer", nullable: false),
                    RetryScheduled = table.Column<int>(type: "integer", nullable: false),
                    Skipped = table.Column<int>(type: "integer", nullable: false),
                    Canceled = table.Column<int>(type: "integer", nullable: false),
                    ErrorCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ErrorMessage = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    CancelRequested = table.Column<bool>(type: "boolean", nullable: false),
                    RequestId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    RequestFingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ServerProfiles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    NormalizedName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ServerType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Authentication = table.Column<string>(type: "text", nullable: false),
                    AutoDiscoverServerLocation = table.Column<bool>(type: "boolean", nullable: false),
                    UseSameSettingsForOutgoing = table.Column<bool>(type: "boolean", nullable: false),
                    TrustedCaCertificatePem = table.Column<string>(type: "character varying(65536)", maxLength: 65536, nullable: true),
                    State = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ModifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Revision = table.Column<long>(type: "bigint", nullable: false),
                    Advanced_ConnectionTimeoutSeconds = table.Column<int>(type: "integer", nullable: false),
                    Advanced_MaxConcurrentConnections = table.Column<int>(type: "integer", nullable: false),
                    Advanced_MinPollingIntervalMinutes = table.Column<int>(type: "integer", nullable: false),
                    Advanced_MoveFailedEmailsToUndeliverableFolder = table.Column<bool>(type: "boolean", nullable: false),
                    Advanced_ProcessEmailsReceivedAfter = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Advanced_SendAlertToOwnerOnMajorFailures = table.Column<bool>(type: "boolean", nullable: false),
                    Incoming_AuthenticationProtocol = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Incoming_Port = table.Column<int>(type: "integer", nullable: true),
                    Incoming_ServerLocation = table.Column<string>(type: "character varying(2084)", maxLength: 2084, nullable: true),
                    Outgoing_AuthenticationProtocol = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Outgoing_Port = table.Column<int>(type: "integer", nullable: true),
                    Outgoing_ServerLocation = table.Column<string>(type: "character varying(2084)", maxLength: 2084, nullable: true),
                    Owner_EmailAddress = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    Owner_Id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServerProfiles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SingletonLeases",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    OwnerId = table.Column<Guid>(type: "uuid", nullable: false),
                    AcquiredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SingletonLeases", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "JobItems",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    JobId = table.Column<Guid>(type: "uuid", nullable: false),
                    MailboxId = table.Column<Guid>(type: "uuid", nullable: true),
                    EmailAddress = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    State = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    LeaseOwner = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LeaseExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ServerProfileId = table.Column<Guid>(type: "uuid", nullable: true),
                    ErrorCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ResultJson = table.Column<string>(type: "text", nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
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

            migrationBuilder.CreateTable(
                name: "Mailboxes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    NormalizedName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    EmailAddress = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    NormalizedEmailAddress = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    ServerProfileId = table.Column<Guid>(type: "uuid", nullable: true),
                    IncomingDeliveryMethod = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    OutgoingDeliveryMethod = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ActDeliveryMethod = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SyncOnlyFromThisOrganization = table.Column<bool>(type: "boolean", nullable: false),
                    ProcessEmailsReceivedAfter = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    State = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ApprovalStatus = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    IncomingEmailStatus = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    OutgoingEmailStatus = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ActStatus = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    EnabledForIncomingEmail = table.Column<bool>(type: "boolean", nullable: false),
                    EnabledForOutgoingEmail = table.Column<bool>(type: "boolean", nullable: false),
                    EnabledForAct = table.Column<bool>(type: "boolean", nullable: false),
                    TestScheduled = table.Column<bool>(type: "boolean", nullable: false),
                    TestRetryCount = table.Column<int>(type: "integer", nullable: false),
                    NextTestAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastTestCompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    EwsUrl = table.Column<string>(type: "character varying(2084)", maxLength: 2084, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ModifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Revision = table.Column<long>(type: "bigint", nullable: false),
                    LastError_Code = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LastError_Message = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    LastError_OccurredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Owner_Id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Owner_Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Owner_Type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
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
                    Id = table.Column<int>(type: "integer", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    DefaultServerProfileId = table.Column<Guid>(type: "uuid", nullable: true),
                    IncomingEmail = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    OutgoingEmail = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AppointmentsContactsAndTasks = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ProcessEmailsOnlyForApprovedUsers = table.Column<bool>(type: "boolean", nullable: false),
                    ProcessEmailsOnlyForApprovedQueues = table.Column<bool>(type: "boolean", nullable: false),
                    ModifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Revision = table.Column<long>(type: "bigint", nullable: false),
                    Alerts_Errors = table.Column<bool>(type: "boolean", nullable: false),
                    Alerts_Information = table.Column<bool>(type: "boolean", nullable: false),
                    Alerts_Warnings = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OrganizationEmailSettings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OrganizationEmailSettings_ServerProfiles_DefaultServerProfi~",
                        column: x => x.DefaultServerProfileId,
                        principalTable: "ServerProfiles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
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
                name: "Alerts");

            migrationBuilder.DropTable(
                name: "AuditEvents");

            migrationBuilder.DropTable(
                name: "ConnectionGrants");

            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "Instances");

            migrationBuilder.DropTable(
                name: "JobItems");

            migrationBuilder.DropTable(
                name: "Mailboxes");

            migrationBuilder.DropTable(
                name: "OrganizationEmailSettings");

            migrationBuilder.DropTable(
                name: "SingletonLeases");

            migrationBuilder.DropTable(
                name: "Jobs");

            migrationBuilder.DropTable(
                name: "ServerProfiles");
        }
    }
}
