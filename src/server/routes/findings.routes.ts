import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { listAutomatedSources, registerAutomatedSource, retireAutomatedSource } from '../../domain/findings/automated-sources.js';
import { findingsDashboard } from '../../domain/findings/finding-dashboard.js';
import { FINDINGS_LIMITS, checkSourceName, defaultTargetFrom, importFindingsFile } from '../../domain/findings/finding-import.js';
import { assertCanImportFindings } from '../../domain/findings/finding.policy.js';
import {
  CANDIDATE_STATES,
  REJECTION_REASONS,
  SUPPRESSION_SCOPES,
  deleteSuppression,
  getCandidate,
  listCandidates,
  listDraftGroups,
  listImports,
  listSuppressions,
  reviewCandidate,
} from '../../domain/findings/finding.service.js';
import { importSbomFile, listSboms } from '../../domain/findings/sbom.js';
import { AppError } from '../../shared/errors.js';
import { requireUser } from '../plugins/authentication.js';
import { errors, Id, IdParams, Nullable, Timestamp } from '../schemas.js';
import { inTransaction } from '../transaction.js';

const Candidate = Type.Object({
  id: Id,
  state: Type.Enum(CANDIDATE_STATES),
  title: Type.String(),
  projectKey: Type.String({ description: 'The vendor/project (from the purl or repository URL): draft case groups are per project key' }),
  target: Type.String(),
  purl: Nullable(Type.String()),
  repositoryUrl: Nullable(Type.String()),
  product: Nullable(Type.String()),
  versions: Nullable(Type.Array(Type.String())),
  commitRange: Nullable(Type.String()),
  rule: Type.String(),
  cwe: Nullable(Type.Integer()),
  sink: Type.String({ description: 'file:line of the root cause' }),
  severity: Type.Number({ description: '0–10 (CVSS score, or from the SARIF level)' }),
  cvssVector: Nullable(Type.String()),
  confidence: Type.Number({ description: '0–1' }),
  downloads: Nullable(Type.Integer()),
  findings: Type.Integer(),
  priority: Type.Number({ description: 'severity × confidence × (1 + log10(1 + reach)); reach: downloads, else findings' }),
  origin: Type.Enum(['automated', 'person']),
  rejectionReason: Nullable(Type.String()),
  decidedAt: Nullable(Timestamp),
  decidedBy: Nullable(Type.String()),
  componentInUse: Nullable(Type.Array(Type.Object({ sbom: Type.String(), name: Type.String(), version: Nullable(Type.String()) }), { description: 'The organisation uses the affected component (from its SBOMs)' })),
  firstSeenAt: Timestamp,
  lastSeenAt: Timestamp,
});

const Automation = Type.Enum(['registered', 'other_uploader', 'unregistered'], {
  description:
    'How the source matched the registered automated sources: findings declared automated count as automated only when `registered` (a registration in force, uploaded by its uploader); otherwise they are a person’s',
});

const AutomatedSource = Type.Object({
  id: Id,
  name: Type.String({ description: 'The import source name (`--source`, `?source=`) it covers' }),
  description: Type.String(),
  uploader: Nullable(Type.String({ description: 'E-mail of the account whose uploads count; null: the command line only' })),
  uploaderId: Nullable(Id),
  registeredBy: Type.String(),
  registeredAt: Timestamp,
  retiredAt: Nullable(Timestamp),
  retiredBy: Nullable(Type.String()),
});

const ImportSummary = Type.Object({
  importId: Id,
  format: Type.Enum(['sarif', 'native']),
  automation: Automation,
  read: Type.Integer(),
  created: Type.Integer(),
  duplicates: Type.Integer(),
  suppressed: Type.Integer(),
  rejected: Type.Integer(),
  candidatesCreated: Type.Integer(),
  rejections: Type.Array(Type.Object({ index: Type.Integer(), reason: Type.String() }), { description: 'The first 100 rejected results and why' }),
  suppressedBy: Type.Array(Type.Object({ id: Id, kind: Type.String(), reason: Type.String(), count: Type.Integer() }), { description: 'Which suppression rules matched, with their reason' }),
});

const Outcome = Type.Object({
  name: Type.String(),
  findings: Type.Integer(),
  candidates: Type.Integer(),
  pending: Type.Integer(),
  approved: Type.Integer(),
  falsePositive: Type.Integer(),
  otherRejected: Type.Integer(),
  falsePositiveRate: Nullable(Type.Number()),
});

const UploadQuery = Type.Object(
  {
    source: Type.Optional(Type.String({ maxLength: 100, description: 'Required: where the findings come from (a scanner pipeline, an AI agent, a person)' })),
    target: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'A repository URL or purl for results that name none' })),
    filename: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);

/** Streams the request body to a private temporary file, refusing more than `limit` bytes. */
async function spool(request: FastifyRequest, limit: number): Promise<{ file: string; cleanup: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvdesk-upload-'));
  const file = path.join(dir, 'body.json');
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  let size = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > limit) callback(new AppError('payload_too_large', `Uploads may be at most ${limit} bytes`));
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(request.raw, limiter, fs.createWriteStream(file, { mode: 0o600 }));
  } catch (error) {
    cleanup();
    throw error instanceof AppError ? error : new AppError('bad_request', 'The upload was interrupted');
  }
  return { file, cleanup };
}

/** Outbound findings: imports (streamed uploads), the review queue and gate, draft case groups, suppressions, SBOMs, the dashboard. */
export async function findingsRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  // Uploads are streamed to disk, not parsed in memory: these two routes get the raw body.
  await app.register(async (uploads) => {
    uploads.removeAllContentTypeParsers();
    uploads.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const upload = uploads.withTypeProvider<TypeBoxTypeProvider>();

    upload.post(
      '/findings/imports',
      {
        bodyLimit: FINDINGS_LIMITS.maxUploadBytes,
        schema: {
          tags: ['findings'],
          summary: 'Import findings: the request body is a SARIF 2.1.0 log or a cvdesk findings document (docs/findings.md), streamed',
          consumes: ['application/sarif+json', 'application/json', 'application/octet-stream'],
          querystring: UploadQuery,
          response: { 201: ImportSummary, ...errors(400, 401, 403, 413) },
        },
      },
      async (request, reply) => {
        const actor = requireUser(request);
        assertCanImportFindings(actor);
        // Checked before the upload is read: a bad query costs nothing.
        const source = checkSourceName(request.query.source ?? '');
        defaultTargetFrom(request.query.target);
        const { file, cleanup } = await spool(request, FINDINGS_LIMITS.maxUploadBytes);
        try {
          const summary = await importFindingsFile(context, actor, file, { source, target: request.query.target, filename: request.query.filename });
          return reply.status(201).send(summary);
        } finally {
          cleanup();
        }
      },
    );

    upload.post(
      '/sboms',
      {
        bodyLimit: FINDINGS_LIMITS.maxUploadBytes,
        schema: {
          tags: ['findings'],
          summary: "Import an SBOM of one of the organisation's own systems (CycloneDX JSON or SPDX JSON), streamed; marks candidates whose component it lists",
          consumes: ['application/vnd.cyclonedx+json', 'application/spdx+json', 'application/json', 'application/octet-stream'],
          querystring: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { additionalProperties: false }),
          response: {
            201: Type.Object({ id: Id, name: Type.String(), format: Type.Enum(['cyclonedx', 'spdx']), specVersion: Type.String(), components: Type.Integer(), candidatesMarked: Type.Integer() }),
            ...errors(400, 401, 403, 413),
          },
        },
      },
      async (request, reply) => {
        const actor = requireUser(request);
        assertCanImportFindings(actor);
        const { file, cleanup } = await spool(request, FINDINGS_LIMITS.maxUploadBytes);
        try {
          return reply.status(201).send(await importSbomFile(context, actor, file, { name: request.query.name }));
        } finally {
          cleanup();
        }
      },
    );
  });

  app.get(
    '/findings/imports',
    {
      schema: {
        tags: ['findings'],
        summary: 'Recent imports with their counts (failed ones with the reason)',
        querystring: Type.Object({ source: Type.Optional(Type.String({ maxLength: 100 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Id,
                source: Type.String(),
                format: Nullable(Type.String()),
                filename: Nullable(Type.String()),
                sha256: Nullable(Type.String()),
                bytes: Type.Integer(),
                state: Type.Enum(['completed', 'failed']),
                read: Type.Integer(),
                created: Type.Integer(),
                duplicates: Type.Integer(),
                suppressed: Type.Integer(),
                rejected: Type.Integer(),
                candidatesCreated: Type.Integer(),
                problems: Type.Object({ rejections: Type.Array(Type.Object({ index: Type.Integer(), reason: Type.String() })), suppressedBy: ImportSummary.properties.suppressedBy }),
                error: Nullable(Type.String()),
                importedBy: Type.String(),
                startedAt: Timestamp,
                finishedAt: Timestamp,
              }),
            ),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => ({ items: await listImports(context.db, requireUser(request), request.query) }),
  );

  app.get(
    '/findings/candidates',
    {
      schema: {
        tags: ['findings'],
        summary: 'The review queue: candidate vulnerabilities, highest severity × confidence × reach first',
        querystring: Type.Object(
          {
            state: Type.Optional(Type.Enum([...CANDIDATE_STATES, 'all'], { description: 'Default: pending' })),
            source: Type.Optional(Type.String({ maxLength: 100 })),
            rule: Type.Optional(Type.String({ maxLength: 300, description: 'A rule id, or CWE-n' })),
            project: Type.Optional(Type.String({ maxLength: 2000 })),
            minSeverity: Type.Optional(Type.Number({ minimum: 0, maximum: 10 })),
            inUse: Type.Optional(Type.Boolean({ description: 'Only candidates whose component the organisation uses (true) or does not (false)' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Candidate), total: Type.Integer() }), ...errors(400, 401, 403) },
      },
    },
    async (request) => listCandidates(context.db, requireUser(request), request.query),
  );

  app.get(
    '/findings/candidates/:id',
    {
      schema: {
        tags: ['findings'],
        summary: 'A candidate with its findings (the first 100) and reviews',
        params: IdParams,
        response: {
          200: Type.Intersect([
            Candidate,
            Type.Object({
              impact: Nullable(Type.String()),
              reproduction: Nullable(Type.String()),
              originReasons: Type.Array(Type.String(), {
                description: 'Why it counts as automated or person-found, per source and import (person reasons first; e.g. declared automated but the source is not registered)',
              }),
              canApprove: Type.Boolean({ description: 'Whether you may approve it (the review gate)' }),
              approvalBlock: Nullable(Type.String({ description: 'Why you may not approve it (the review gate’s refusal), or null' })),
              authors: Type.Array(Type.String(), { description: 'Accounts that found or imported its person findings (they may not approve it)' }),
              items: Type.Array(
                Type.Object({
                  fingerprint: Type.String({ description: "The finding's identity (finding-keys.ts)" }),
                  source: Type.String(),
                  finder: Type.Object({ kind: Type.String({ description: 'As the file declared it' }), name: Type.String(), userId: Nullable(Type.String()) }),
                  countedAs: Type.Enum(['automated', 'person'], { description: 'What the review gate counts it as' }),
                  why: Type.String(),
                  importedBy: Type.String({ description: 'The account (e-mail) or command-line operator that imported it' }),
                  rule: Type.String(),
                  cwe: Nullable(Type.Integer()),
                  severity: Type.Number(),
                  confidence: Type.Number(),
                  location: Type.String(),
                  message: Type.String(),
                  details: Type.Record(Type.String(), Type.Unknown()),
                  createdAt: Timestamp,
                }),
              ),
              reviews: Type.Array(Type.Object({ id: Id, reviewer: Type.String(), reviewerId: Nullable(Type.String()), decision: Type.String(), reason: Nullable(Type.String()), note: Nullable(Type.String()), createdAt: Timestamp })),
            }),
          ]),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => getCandidate(context.db, requireUser(request), request.params.id),
  );

  app.post(
    '/findings/candidates/:id/review',
    {
      schema: {
        tags: ['findings'],
        summary: 'Approve or reject a candidate (the review gate: a person-found candidate needs an engineer who neither found nor imported it)',
        params: IdParams,
        body: Type.Object(
          {
            decision: Type.Enum(['approve', 'reject']),
            reason: Type.Optional(Type.Enum(REJECTION_REASONS, { description: 'Required to reject' })),
            note: Type.Optional(Type.String({ maxLength: 4000 })),
            suppress: Type.Optional(Type.Enum(SUPPRESSION_SCOPES, { description: 'For false_positive / wont_report: what later imports suppress (default fingerprint)' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Intersect([Candidate, Type.Object({ suppressionsCreated: Type.Integer() })]), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, (trx) => reviewCandidate(context, trx, actor, request.params.id, request.body));
    },
  );

  app.get(
    '/findings/groups',
    {
      schema: {
        tags: ['findings'],
        summary: 'Draft case groups: candidates (not rejected, by default) grouped by vendor/project',
        querystring: Type.Object({ state: Type.Optional(Type.Enum([...CANDIDATE_STATES, 'open'])) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({ projectKey: Type.String(), target: Type.String(), candidates: Type.Integer(), approved: Type.Integer(), findings: Type.Integer(), maxSeverity: Type.Number(), maxPriority: Type.Number() }),
            ),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => ({ items: await listDraftGroups(context.db, requireUser(request), request.query) }),
  );

  app.get(
    '/findings/suppressions',
    {
      schema: {
        tags: ['findings'],
        summary: 'Suppression rules learned from rejections, with their reason and how often they matched',
        querystring: Type.Object(
          { project: Type.Optional(Type.String({ maxLength: 2000 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), offset: Type.Optional(Type.Integer({ minimum: 0 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Id,
                kind: Type.String(),
                projectKey: Nullable(Type.String()),
                rule: Nullable(Type.String()),
                reason: Type.String(),
                note: Nullable(Type.String()),
                candidateId: Nullable(Type.String()),
                createdBy: Type.String(),
                createdAt: Timestamp,
                hits: Type.Integer(),
                lastHitAt: Nullable(Timestamp),
              }),
            ),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => ({ items: await listSuppressions(context.db, requireUser(request), request.query) }),
  );

  app.delete(
    '/findings/suppressions/:id',
    {
      schema: { tags: ['findings'], summary: 'Remove a suppression rule (later imports are no longer filtered by it)', params: IdParams, response: { 204: Type.Null(), ...errors(400, 401, 403, 404) } },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      await inTransaction(context, (trx) => deleteSuppression(context, trx, actor, request.params.id));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/findings/automated-sources',
    {
      schema: {
        tags: ['findings'],
        summary: 'Registered automated sources: the import source names whose findings declared automated count as automated (for their uploader)',
        querystring: Type.Object({ includeRetired: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(AutomatedSource) }), ...errors(400, 401, 403) },
      },
    },
    async (request) => ({ items: await listAutomatedSources(context.db, requireUser(request), request.query) }),
  );

  app.post(
    '/findings/automated-sources',
    {
      schema: {
        tags: ['findings'],
        summary: 'Register an import source name as an automated system (leads), bound to the account that uploads for it or to the command line',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            description: Type.String({ minLength: 1, maxLength: 1000, description: 'What the system is and who runs it' }),
            uploaderEmail: Type.Optional(Nullable(Type.String({ maxLength: 254, description: 'The account whose uploads count (a triager or lead, ideally one only the pipeline’s token uses); null or absent: the command line only' }))),
          },
          { additionalProperties: false },
        ),
        response: { 201: AutomatedSource, ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      return reply.status(201).send(await inTransaction(context, (trx) => registerAutomatedSource(context, trx, actor, request.body)));
    },
  );

  app.post(
    '/findings/automated-sources/:id/retire',
    {
      schema: {
        tags: ['findings'],
        summary: 'Retire a registration (leads): findings that came in under it count as a person’s from now on, and so do later imports under the name',
        params: IdParams,
        response: { 200: Type.Intersect([AutomatedSource, Type.Object({ candidatesNowPersonFound: Type.Integer() })]), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, (trx) => retireAutomatedSource(context, trx, actor, request.params.id));
    },
  );

  app.get(
    '/findings/dashboard',
    {
      schema: {
        tags: ['findings'],
        summary: 'Findings per source and per finder with review outcomes (false-positive rate), and per day',
        querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            days: Type.Integer(),
            candidates: Type.Record(Type.String(), Type.Integer()),
            sources: Type.Array(Outcome),
            finders: Type.Array(Outcome),
            timeline: Type.Array(Type.Object({ day: Type.String(), imported: Type.Record(Type.String(), Type.Integer()), approved: Type.Integer(), falsePositive: Type.Integer(), otherRejected: Type.Integer() })),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => findingsDashboard(context.db, context.clock, requireUser(request), request.query),
  );

  app.get(
    '/sboms',
    {
      schema: {
        tags: ['findings'],
        summary: "The organisation's imported SBOMs",
        response: {
          200: Type.Object({ items: Type.Array(Type.Object({ id: Id, name: Type.String(), format: Type.String(), specVersion: Type.String(), components: Type.Integer(), importedBy: Type.String(), createdAt: Timestamp })) }),
          ...errors(401, 403),
        },
      },
    },
    async (request) => ({ items: await listSboms(context, requireUser(request)) }),
  );
}
