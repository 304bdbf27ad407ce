import { Migrator, type Migration, type MigrationProvider, type Kysely } from 'kysely';
import * as foundation from './migrations/20261127_0001_foundation.js';
import * as keysSettings from './migrations/20261127_0200_keys_settings.js';
import * as programsReports from './migrations/20261127_0300_programs_reports.js';
import * as attachments from './migrations/20261127_0310_attachments.js';
import * as slaRetestDisclosure from './migrations/20261127_0320_sla_retest_disclosure.js';
import * as notificationsWebhooks from './migrations/20261127_0400_notifications_webhooks.js';
import * as rewardsReputation from './migrations/20261127_0500_rewards_reputation.js';
import * as incidents from './migrations/20261127_0600_incidents.js';
import * as disclosureSnapshot from './migrations/20261128_0100_disclosure_snapshot.js';
import * as reportTermStats from './migrations/20261128_0150_report_term_stats.js';
import * as findings from './migrations/20261128_0200_findings.js';
import * as vendors from './migrations/20261128_0300_vendors.js';
import * as cveIds from './migrations/20261128_0400_cve_ids.js';
import * as cveRecords from './migrations/20261128_0410_cve_records.js';
import * as cna from './migrations/20261128_0420_cna.js';
import * as advisories from './migrations/20261128_0500_advisories.js';
import * as cases from './migrations/20261128_0600_cases.js';
import * as findingSources from './migrations/20261128_0710_finding_sources.js';
import * as noticeSigningKeys from './migrations/20261128_0740_notice_signing_keys.js';
import * as reportIntake from './migrations/20261128_0750_report_intake.js';
import * as incidentAlarmDue from './migrations/20261128_0800_incident_alarm_due.js';
import * as slaBounty from './migrations/20261128_0920_sla_bounty.js';
import * as inboxSorts from './migrations/20261128_0930_inbox_sorts.js';

/** Every migration, in order. Listed statically so the compiled server needs no file scanning. */
const MIGRATIONS: Record<string, Migration> = {
  '20261127_0001_foundation': foundation,
  '20261127_0200_keys_settings': keysSettings,
  '20261127_0300_programs_reports': programsReports,
  '20261127_0310_attachments': attachments,
  '20261127_0320_sla_retest_disclosure': slaRetestDisclosure,
  '20261127_0400_notifications_webhooks': notificationsWebhooks,
  '20261127_0500_rewards_reputation': rewardsReputation,
  '20261127_0600_incidents': incidents,
  '20261128_0100_disclosure_snapshot': disclosureSnapshot,
  '20261128_0150_report_term_stats': reportTermStats,
  '20261128_0200_findings': findings,
  '20261128_0300_vendors': vendors,
  '20261128_0400_cve_ids': cveIds,
  '20261128_0410_cve_records': cveRecords,
  '20261128_0420_cna': cna,
  '20261128_0500_advisories': advisories,
  '20261128_0600_cases': cases,
  '20261128_0710_finding_sources': findingSources,
  '20261128_0740_notice_signing_keys': noticeSigningKeys,
  '20261128_0750_report_intake': reportIntake,
  '20261128_0800_incident_alarm_due': incidentAlarmDue,
  '20261128_0920_sla_bounty': slaBounty,
  '20261128_0930_inbox_sorts': inboxSorts,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** `schema` must be given on PostgreSQL when not `public`, or Kysely finds other schemas' tables. */
function migrator(db: Kysely<any>, schema: string | undefined): Migrator {
  return new Migrator({
    db,
    provider,
    migrationTableName: 'cvdesk_migrations',
    migrationLockTableName: 'cvdesk_migrations_lock',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

export interface MigrationOutcome {
  applied: string[];
}

export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<MigrationOutcome> {
  const { error, results } = await migrator(db, schema).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/** Names of migrations not yet applied (empty when the database is current). */
export async function pendingMigrations(db: Kysely<any>, schema?: string): Promise<string[]> {
  const all = await migrator(db, schema).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
