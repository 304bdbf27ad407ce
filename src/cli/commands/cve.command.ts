import fs from 'node:fs';
import type { Command } from 'commander';
import type { CveIdInfo } from '../../cve-services/api-types.js';
import type { CveServicesClient } from '../../cve-services/client.js';
import { environmentOf } from '../../cve-services/credentials.js';
import { parseCveId, parseCveIdState, parseCveYear, type CveIdState } from '../../cve-services/cve-id.js';
import { clientFor, credentialsFromConfig, requireCredentials } from '../../domain/cve-ids/cve-services-connection.js';
import { isObject } from '../../domain/cve-records/json-value.js';
import { kindOf, validateCveRecord, type RecordValidation } from '../../domain/cve-records/record-validator.js';
import { createContext } from '../../context.js';
import { CliFailure } from '../failure.js';
import { configFrom, print, type CliIO, type GlobalOptions } from '../io.js';

/**
 * `cvdesk cve …`: cvelib's commands against the configured CVE Services environment (CVE_API_URL,
 * CVE_ORG, CVE_USER, CVE_API_KEY or CVE_API_KEY_FILE, else the credentials a lead entered).
 * These call the service directly, like cvelib; the pool's hourly sync picks the IDs up.
 */

/** The credentials from the environment, else from the database (only opened when needed). */
async function withClient<T>(options: GlobalOptions, work: (client: CveServicesClient) => Promise<T>): Promise<T> {
  const config = configFrom(options);
  const fromEnvironment = credentialsFromConfig(config);
  if (fromEnvironment) return work(clientFor(config, fromEnvironment));
  const context = await createContext(config);
  try {
    return await work(clientFor(context.config, await requireCredentials(context, context.db)));
  } finally {
    await context.close();
  }
}

function readJson(file: string, io: CliIO): Promise<unknown> {
  const read = file === '-' ? io.readStdin() : Promise.resolve().then(() => fs.readFileSync(file, 'utf8'));
  return read.then(
    (text) => {
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new CliFailure(`${file} is not valid JSON: ${(error as Error).message}`);
      }
    },
    (error: Error) => {
      throw new CliFailure(`cannot read ${file}: ${error.message}`);
    },
  );
}

function describeProblems(validation: RecordValidation): string {
  return validation.errors.map((p) => `${p.path || '/'}: ${p.message}${p.rule ? ` [${p.rule}]` : ''}`).join('\n');
}

/** The CNA container in what a file holds: a bare container, `{ "cnaContainer": … }` or a whole record. */
function containerOf(input: unknown): Record<string, unknown> {
  if (!isObject(input)) throw new CliFailure('the file must hold a JSON object: a CNA container or a CVE record');
  if (isObject(input.cnaContainer)) return input.cnaContainer;
  if (isObject(input.containers) && isObject(input.containers.cna)) return input.containers.cna;
  return input;
}

/**
 * CVE Services sets a container's providerMetadata itself (overwriting any given), and cvelib
 * users' files leave it out: a bare container without it is checked as the service will store it.
 */
function withServerMetadata(input: unknown): unknown {
  if (!isObject(input) || kindOf(input) !== 'cna-container' || 'providerMetadata' in input) return input;
  return { ...input, providerMetadata: { orgId: SERVER_SET_ORG_ID } };
}

/** Stands for the organisation UUID the service fills in (validation only; never sent). */
const SERVER_SET_ORG_ID = '00000000-0000-4000-8000-000000000000';

function idLine(id: CveIdInfo): string {
  return [id.cve_id, id.state, id.owning_cna ?? '', id.requested_by?.user ?? '', id.reserved ?? ''].join('\t').trimEnd();
}

function idArgument(value: string): string {
  try {
    return parseCveId(value, 'ID');
  } catch (error) {
    throw new CliFailure((error as Error).message, 2);
  }
}

function whole(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new CliFailure(`${name}: expected a whole number from ${min} to ${max}, got "${value}"`, 2);
    return Number(value);
  };
}

export function registerCveCommands(program: Command, io: CliIO): void {
  const cve = program.command('cve').description('CVE IDs and records at CVE Services, as cvelib does it (see docs/cve-services.md)');
  const common = (command: Command) => command.option('--json', 'print JSON').option('--data <dir>', 'data folder (for credentials entered in the settings)');

  common(
    cve
      .command('reserve')
      .description('reserve CVE IDs for your CNA (a partial reservation is reported, not hidden)')
      .argument('[count]', 'how many (default 1)', whole('count', 1, 1000), 1)
      .option('--random', 'non-sequential IDs')
      .option('--year <year>', 'the year of the IDs (default this year)'),
  ).action(async (count: number, options: GlobalOptions & { random?: boolean; year?: string }) => {
    let year: number;
    try {
      year = options.year === undefined ? new Date().getUTCFullYear() : parseCveYear(options.year, new Date(), '--year');
    } catch (error) {
      throw new CliFailure((error as Error).message, 2);
    }
    await withClient(options, async (client) => {
      const result = await client.reserve({ amount: count, year, batchType: options.random ? 'nonsequential' : 'sequential' });
      print(io, options, { cve_ids: result.ids, partial: result.partial, requested: result.requested, remaining_quota: result.remainingQuota ?? null, message: result.message ?? null }, () =>
        [
          result.partial ? `Reserved only ${result.ids.length} of ${count} CVE IDs: ${result.message}` : `Reserved the following CVE ID${result.ids.length === 1 ? '' : 's'}:`,
          ...result.ids.map((id) => id.cve_id),
          ...(result.remainingQuota !== undefined ? [`Remaining quota: ${result.remainingQuota}`] : []),
        ].join('\n'),
      );
      if (result.partial) throw new CliFailure('', 3);
    });
  });

  common(
    cve
      .command('publish')
      .description('publish (or update) the record of an ID from a CNA container or a CVE record in JSON; it is validated first and nothing is sent if it fails')
      .argument('<id>', 'the CVE ID', idArgument)
      .requiredOption('-f, --file <file>', 'the JSON file (- for standard input)'),
  ).action(async (id: string, options: GlobalOptions & { file: string }) => {
    const container = containerOf(await readJson(options.file, io));
    await withClient(options, async (client) => {
      const complete = await client.completeContainer(container);
      const validation = validateCveRecord(complete);
      if (!validation.valid) throw new CliFailure(`${id} was not published: the container fails validation\n${describeProblems(validation)}`);
      const { record, created } = await client.publish(id, complete);
      print(io, options, record, () => `${created ? 'Published' : 'Updated'} the record of ${id} (state ${record.cveMetadata.state})`);
    });
  });

  common(
    cve
      .command('reject')
      .description('reject an ID: a rejected record, or the published record turned rejected')
      .argument('<id>', 'the CVE ID', idArgument)
      .requiredOption('--reason <text>', 'why, in English (required by the CVE Program)')
      .option('--replaced-by <ids...>', 'the CVE IDs that replace this one'),
  ).action(async (id: string, options: GlobalOptions & { reason: string; replacedBy?: string[] }) => {
    if (!options.reason.trim()) throw new CliFailure('--reason must not be empty', 2);
    const replacedBy = options.replacedBy?.map(idArgument);
    await withClient(options, async (client) => {
      const record = await client.reject(id, { rejectedReasons: [{ lang: 'en', value: options.reason.trim() }], ...(replacedBy?.length ? { replacedBy } : {}) });
      print(io, options, record, () => `Rejected ${id}`);
    });
  });

  common(
    cve
      .command('undo-reject')
      .description('move a REJECTED ID without a record back to RESERVED (a rejected record is brought back with publish)')
      .argument('<id>', 'the CVE ID', idArgument),
  ).action(async (id: string, options: GlobalOptions) => {
    await withClient(options, async (client) => {
      const info = await client.setIdState(id, 'RESERVED');
      print(io, options, info, () => `${id} is ${info.state} again`);
    });
  });

  common(
    cve
      .command('show')
      .description('show an ID, and its record when it has one')
      .argument('<id>', 'the CVE ID', idArgument)
      .option('--show-record', 'print the whole record JSON too'),
  ).action(async (id: string, options: GlobalOptions & { showRecord?: boolean }) => {
    await withClient(options, async (client) => {
      const info = await client.getId(id);
      const record = info.state === 'RESERVED' ? null : await client.getRecord(id);
      print(io, options, { id: info, record }, () =>
        [
          `${info.cve_id}\t${info.state}`,
          ...(info.owning_cna ? [`Owning CNA: ${info.owning_cna}`] : []),
          ...(info.requested_by?.user ? [`Reserved by: ${info.requested_by.user} (${info.requested_by.cna ?? ''}) on ${info.reserved ?? ''}`] : []),
          ...(record ? [`Record: ${record.cveMetadata.state}${record.cveMetadata.datePublished ? `, published ${record.cveMetadata.datePublished}` : ''}`] : []),
          ...(record && options.showRecord ? [JSON.stringify(record, null, 2)] : []),
        ].join('\n'),
      );
    });
  });

  common(
    cve
      .command('list')
      .description("list your CNA's IDs (every page)")
      .option('--state <state>', 'RESERVED, PUBLISHED or REJECTED')
      .option('--year <year>', 'only IDs of this year'),
  ).action(async (options: GlobalOptions & { state?: string; year?: string }) => {
    let state: CveIdState | undefined;
    let year: number | undefined;
    try {
      state = options.state === undefined ? undefined : parseCveIdState(options.state, '--state');
      year = options.year === undefined ? undefined : parseCveYear(options.year, new Date(), '--year');
    } catch (error) {
      throw new CliFailure((error as Error).message, 2);
    }
    await withClient(options, async (client) => {
      const ids: CveIdInfo[] = [];
      for await (const page of client.pages({ state, year })) ids.push(...page);
      print(io, options, { cve_ids: ids }, () => (ids.length ? ['CVE ID\tSTATE\tOWNING CNA\tRESERVED BY\tRESERVED', ...ids.map(idLine)].join('\n') : 'No CVE IDs match'));
    });
  });

  common(cve.command('quota').description("your CNA's ID quota: allowed RESERVED at once, reserved now, available")).action(async (options: GlobalOptions) => {
    await withClient(options, async (client) => {
      const quota = await client.quota();
      print(io, options, quota, () => `CNA ${client.org}\nLimit: ${quota.id_quota}\nReserved: ${quota.total_reserved}\nAvailable: ${quota.available}`);
    });
  });

  common(cve.command('ping').description('check that CVE Services answers and accepts the credentials')).action(async (options: GlobalOptions) => {
    await withClient(options, async (client) => {
      await client.health();
      const started = Date.now();
      const quota = await client.quota();
      const result = { url: client.baseUrl, environment: environmentOf(client.baseUrl), org: client.org, user: client.user, authenticated: true, available: quota.available, ms: Date.now() - started };
      print(io, options, result, () => `CVE Services at ${result.url} (${result.environment}) is up; ${client.user} of ${client.org} is authenticated (${quota.available} IDs available)`);
    });
  });

  cve
    .command('validate')
    .description('check a CVE record or a CNA container (JSON) against the CVE Record Format and the CNA rules; exit 0 only when it passes, else each problem with its JSON path')
    .argument('<file>', 'the JSON file (- for standard input)')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const validation = validateCveRecord(withServerMetadata(await readJson(file, io)));
      print(io, options, validation, () => (validation.valid ? `${file}: valid ${validation.kind === 'record' ? 'CVE record' : 'CNA container'}` : `${file}: ${validation.errors.length} problem${validation.errors.length === 1 ? '' : 's'}\n${describeProblems(validation)}`));
      if (!validation.valid) throw new CliFailure('', 1);
    });
}
