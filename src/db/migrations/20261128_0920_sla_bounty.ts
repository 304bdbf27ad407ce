import type { Kysely } from 'kysely';

/**
 * The "time to bounty" response target: its due time fixed at submission like the others (so the
 * inbox filters breaches without computing per row). Reports submitted before this migration
 * carry none: the targets they were submitted under are not known any more.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reports').addColumn('bounty_due_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reports').dropColumn('bounty_due_at').execute();
}
