import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

/**
 * The official schemas in ../shared/reference (never copied into the project): CSAF 2.0 with the
 * FIRST CVSS schemas it references, the CSAF provider metadata schema, and the OSV schema.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const reference = (...parts: string[]) => JSON.parse(fs.readFileSync(path.resolve(repoRoot, '../shared/reference', ...parts), 'utf8')) as Record<string, unknown>;

function strip(schema: Record<string, unknown>): Record<string, unknown> {
  // The FIRST schemas are draft-04/-07 and one carries a dated $id; Ajv 2020 reads them by the URL CSAF references.
  const { $schema: _schema, $id: _id, id: _draft04Id, ...rest } = schema;
  return rest;
}

function build(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const version of ['2.0', '3.0', '3.1']) ajv.addSchema(strip(reference('csaf', 'referenced_schema', 'first', `cvss-v${version}.json`)), `https://www.first.org/cvss/cvss-v${version}.json`);
  ajv.addSchema(reference('csaf', 'csaf_json_schema.json'));
  ajv.addSchema(reference('csaf', 'provider_json_schema.json'), 'provider');
  ajv.addSchema(reference('osv', 'osv-schema.json'), 'osv');
  return ajv;
}

let ajv: Ajv2020 | undefined;

function check(key: string, document: unknown): string[] {
  ajv ??= build();
  const validate = ajv.getSchema(key)!;
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

export const csafSchemaErrors = (document: unknown) => check('https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json', document);
export const providerSchemaErrors = (document: unknown) => check('provider', document);
export const osvSchemaErrors = (document: unknown) => check('osv', document);
export const osvSchema = () => reference('osv', 'osv-schema.json');
