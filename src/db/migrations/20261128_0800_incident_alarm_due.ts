import { sql, type Kysely } from 'kysely';

/**
 * Alarm rounds (domain/incidents/incident-alarms.ts) take every incident whose next alarm is due:
 * an index on that time, holding only incidents that still have one (acknowledged, closed and
 * unsealed ones drop out), so a round reads just the due rows however many incidents wait.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index incidents_alarm_due on incidents (next_alarm_at) where next_alarm_at is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('incidents_alarm_due').execute();
}
