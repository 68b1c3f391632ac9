using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ExSync.Persistence.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class UnfinishedItemLinks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ExchangeItemLinks_MailboxId_StampPending",
                table: "ExchangeItemLinks");

            migrationBuilder.CreateIndex(
                name: "IX_ExchangeItemLinks_Unfinished",
                table: "ExchangeItemLinks",
                columns: new[] { "MailboxId", "Id" },
                filter: "\"State\" = 'Failed' OR \"StampPending\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ExchangeItemLinks_Unfinished",
                table: "ExchangeItemLinks");

            migrationBuilder.CreateIndex(
                name: "IX_ExchangeItemLinks_MailboxId_StampPending",
                table: "ExchangeItemLinks",
                columns: new[] { "MailboxId", "StampPending" },
                filter: "\"StampPending\"");
        }
    }
}
