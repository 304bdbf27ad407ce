import { sql, type Kysely } from 'kysely';

/**
 * The inbox's orders beyond received time (domain/reports/report-inbox.ts): last update, priority,
 * CVSS score and the next response target due, each after programme and state (the inbox's usual
 * filter) and before the id that breaks ties, so a page reads only its rows from the index.
 * The score and due-time keys are expressions, spelled exactly as the inbox query spells them
 * (the engines match an expression index by its expression). Frozen here: a later change to
 * either spelling needs a new index.
 *
 * The term index now holds every term of a report (it used to keep a report's 200 heaviest):
 * reports indexed with the cap are queued to be indexed again (report-intake.ts), so search
 * finds every word of old reports too.
 */
const NEXT_DUE = sql.raw(`coalesce(case when state in ('new', 'triaged', 'needs_more_info') then case
    when first_response_at is null and first_response_due_at is not null and (triaged_at is not null or triage_due_at is null or first_response_due_at <= triage_due_at) and (resolved_at is not null or resolution_due_at is null or first_response_due_at <= resolution_due_at) then first_response_due_at
    when triaged_at is null and triage_due_at is not null and (resolved_at is not null or resolution_due_at is null or triage_due_at <= resolution_due_at) then triage_due_at
    when resolved_at is null then resolution_due_at
  end end, '9999-12-31T23:59:59.999Z')`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('reports_inbox_updated').on('reports').columns(['program_id', 'state', 'updated_at', 'id']).execute();
  await db.schema.createIndex('reports_inbox_priority').on('reports').columns(['program_id', 'state', 'priority', 'id']).execute();
  await sql`create index reports_inbox_score on reports (program_id, state, (coalesce(score, -1)), id)`.execute(db);
  await sql`create index reports_inbox_sla on reports (program_id, state, (${NEXT_DUE}), id)`.execute(db);
  // "where true": SQLite's parser needs it between INSERT … SELECT and ON CONFLICT.
  await sql`insert into report_intake (report_id, new_report, submitted_by, queued_at, last_error)
    select report_id, 0, null, ${new Date().toISOString()}, null from report_terms where true group by report_id having count(*) >= 200
    on conflict (report_id) do nothing`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of ['reports_inbox_sla', 'reports_inbox_score', 'reports_inbox_priority', 'reports_inbox_updated']) await db.schema.dropIndex(name).execute();
}
