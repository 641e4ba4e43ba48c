using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ujar.Api.Data.Migrations
{
    /// <summary>
    /// The deadline watcher's indexes (raw SQL like the nearby-tasks one, so the model snapshot does not change). Every
    /// minute <see cref="Deadlines.SlaWatcher"/> walks, in id order, the complaints that still owe something and those
    /// waiting for the reporter's answer: partial, so each holds those few percent and not the city's whole history
    /// (without them the walk goes through the primary key and reads every complaint). The queries repeat the predicates.
    /// </summary>
    [DbContext(typeof(UjarDb))]
    [Migration("20261128233000_DeadlineWatchIndex")]
    public partial class DeadlineWatchIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE INDEX ix_complaints_owing_id ON complaints (id)
                WHERE status IN ('Received', 'NotOurRemit', 'Verified', 'Assigned', 'InProgress', 'Reopened')
                """);
            migrationBuilder.Sql("CREATE INDEX ix_complaints_resolved_id ON complaints (id) WHERE status = 'Resolved'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_complaints_resolved_id");
            migrationBuilder.Sql("DROP INDEX ix_complaints_owing_id");
        }
    }
}
