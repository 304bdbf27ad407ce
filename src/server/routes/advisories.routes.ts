import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { ADVISORY_KINDS, ADVISORY_LIMITS, CREDIT_KINDS, NOT_AFFECTED_JUSTIFICATIONS, PRODUCT_STATUSES, RANGE_TYPES, SEVERITIES } from '../../domain/advisories/advisory.js';
import { prepareCsafSignatures, storeCsafSignatures } from '../../domain/advisories/advisory-signing.js';
import { listAdvisories, presentAdvisory } from '../../domain/advisories/advisory-view.js';
import {
  advisoryCsaf,
  advisoryOsv,
  allOsvRecords,
  createAdvisory,
  draftAdvisoryFromReport,
  getAdvisory,
  publishAdvisory,
  updateDraft,
} from '../../domain/advisories/advisory.service.js';
import { POLICY_SECTIONS, POLICY_SECTION_MAX, policyPage, policySectionHistory, savePolicySection } from '../../domain/policy-page/policy-page.js';
import { requireUser } from '../plugins/authentication.js';
import { errors, Id, Nullable, Password, Rendered } from '../schemas.js';
import { inTransaction } from '../transaction.js';

const Str = (max: number) => Type.String({ maxLength: max });
const Range = Type.Object(
  {
    type: Type.Enum(RANGE_TYPES),
    repo: Type.Optional(Nullable(Str(ADVISORY_LIMITS.url))),
    introduced: Type.Optional(Str(ADVISORY_LIMITS.version)),
    fixed: Type.Optional(Nullable(Str(ADVISORY_LIMITS.version))),
    lastAffected: Type.Optional(Nullable(Str(ADVISORY_LIMITS.version))),
  },
  { additionalProperties: false },
);
const Product = Type.Object(
  {
    vendor: Str(ADVISORY_LIMITS.name),
    product: Str(ADVISORY_LIMITS.name),
    ecosystem: Type.Optional(Nullable(Str(100))),
    packageName: Type.Optional(Nullable(Str(ADVISORY_LIMITS.name))),
    purl: Type.Optional(Nullable(Str(500))),
    status: Type.Optional(Type.Enum(PRODUCT_STATUSES)),
    justification: Type.Optional(Nullable(Type.Enum(NOT_AFFECTED_JUSTIFICATIONS))),
    ranges: Type.Optional(Type.Array(Range, { maxItems: ADVISORY_LIMITS.ranges })),
    versions: Type.Optional(Type.Array(Str(ADVISORY_LIMITS.version), { maxItems: ADVISORY_LIMITS.versions })),
  },
  { additionalProperties: false },
);
const Vulnerability = Type.Object(
  {
    title: Type.Optional(Str(ADVISORY_LIMITS.title)),
    description: Type.Optional(Str(ADVISORY_LIMITS.description)),
    cve: Type.Optional(Nullable(Str(30))),
    cwes: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 100_000 }), { maxItems: ADVISORY_LIMITS.cwes })),
    cvss: Type.Optional(Type.Array(Str(512), { maxItems: 2 })),
  },
  { additionalProperties: false },
);
const ContentIn = Type.Object(
  {
    kind: Type.Optional(Type.Enum(ADVISORY_KINDS)),
    title: Type.Optional(Str(ADVISORY_LIMITS.title)),
    summary: Type.Optional(Str(ADVISORY_LIMITS.summary)),
    workarounds: Type.Optional(Str(ADVISORY_LIMITS.workarounds)),
    products: Type.Optional(Type.Array(Product, { maxItems: ADVISORY_LIMITS.products })),
    vulnerabilities: Type.Optional(Type.Array(Vulnerability, { maxItems: ADVISORY_LIMITS.vulnerabilities })),
    references: Type.Optional(Type.Array(Type.Object({ url: Str(ADVISORY_LIMITS.url), summary: Type.Optional(Str(ADVISORY_LIMITS.title)) }, { additionalProperties: false }), { maxItems: ADVISORY_LIMITS.references })),
    credits: Type.Optional(
      Type.Array(
        Type.Object({ name: Str(ADVISORY_LIMITS.name), kind: Type.Optional(Type.Enum(CREDIT_KINDS)), consent: Type.Optional(Type.Boolean()), userId: Type.Optional(Nullable(Id)) }, { additionalProperties: false }),
        { maxItems: ADVISORY_LIMITS.credits },
      ),
    ),
  },
  { additionalProperties: false, description: 'The whole advisory content; fields left out are empty' },
);

const Summary = Type.Object({
  id: Type.String({ description: 'The tracking id, e.g. ADV-2026-0001' }),
  title: Type.String(),
  severity: Type.String(),
  cves: Type.Array(Type.String()),
  state: Type.Enum(['draft', 'published']),
  revision: Type.Integer(),
  initialReleaseAt: Nullable(Type.String()),
  currentReleaseAt: Nullable(Type.String()),
  url: Type.String(),
});
const Advisory = Type.Object({
  ...Summary.properties,
  content: Type.Unknown({ description: 'The published content (null for a draft never published): Markdown fields as {markdown, html}' }),
  revisions: Type.Array(Type.Object({ number: Type.Integer(), date: Type.String(), summary: Type.String(), publishedBy: Type.Optional(Type.String()) })),
  links: Type.Object({ page: Type.String(), csaf: Nullable(Type.String()), osv: Nullable(Type.String()), csafApi: Type.String(), osvApi: Type.String() }),
  osvId: Type.String(),
  draft: Type.Optional(Type.Unknown({ description: 'Staff only: the draft content, its rendering, and whether it differs from the published revision' })),
  source: Type.Optional(Type.Object({ kind: Nullable(Type.String()), id: Nullable(Type.String()), url: Nullable(Type.String()) })),
});
const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, description: 'Tracking id (ADV-2026-0001) or internal id' }) });
const DraftQuery = Type.Object({ draft: Type.Optional(Type.Boolean({ description: 'Staff: render the draft instead of the published revision' })) }, { additionalProperties: false });
const Section = Type.Object({ section: Type.String(), title: Type.String(), body: Rendered, version: Type.Integer(), updatedAt: Nullable(Type.String()) });
// A plain string: the service checks who asks before it checks the name (a refusal comes first).
const SectionParams = Type.Object({ section: Type.String({ maxLength: 40, description: POLICY_SECTIONS.join(', ') }) });

/** Advisories (published for everyone, drafts for staff), their CSAF and OSV forms, and the /security page's sections. */
export async function advisoriesRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/advisories',
    {
      schema: {
        tags: ['advisories'],
        summary: 'Published advisories, newest release first; staff may list drafts with state=draft|all',
        security: [],
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ maxLength: 200 })),
            product: Type.Optional(Type.String({ maxLength: 200 })),
            severity: Type.Optional(Type.Enum(SEVERITIES)),
            year: Type.Optional(Type.Integer({ minimum: 1990, maximum: 9999 })),
            state: Type.Optional(Type.Enum(['draft', 'published', 'all'])),
            page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Summary), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() }), ...errors(400) },
      },
    },
    async (request) => listAdvisories(context, context.db, request.actor, request.query),
  );

  app.post(
    '/advisories',
    {
      schema: {
        tags: ['advisories'],
        summary: 'Start a draft: blank, with content, or prefilled from a resolved or disclosed report (triagers, leads, CNA)',
        body: Type.Object(
          { fromReport: Type.Optional(Id), content: Type.Optional(ContentIn), sourceUrl: Type.Optional(Nullable(Str(ADVISORY_LIMITS.url))) },
          { additionalProperties: false },
        ),
        response: { 201: Advisory, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const { fromReport, content, sourceUrl } = request.body;
      const view = await inTransaction(context, async (trx) => {
        const row = fromReport ? await draftAdvisoryFromReport(context, trx, actor, fromReport) : await createAdvisory(context, trx, actor, { content, sourceUrl });
        return presentAdvisory(context, trx, actor, row);
      });
      return reply.status(201).send(view);
    },
  );

  app.get(
    '/advisories/osv',
    {
      schema: {
        tags: ['advisories'],
        summary: 'Bulk download: every published advisory that names a package, as a JSON array of OSV records',
        security: [],
        response: { 200: Type.Unknown({ description: 'A JSON array of OSV records' }) },
      },
    },
    async (_request, reply) => reply.type('application/json; charset=utf-8').send(JSON.stringify(await allOsvRecords(context, context.db))),
  );

  app.post(
    '/advisories/sign',
    {
      schema: {
        tags: ['advisories'],
        summary: "Sign every published CSAF document not yet signed by the current key (leads; the key's passphrase is used once, never stored)",
        body: Type.Object({ passphrase: Password }, { additionalProperties: false }),
        response: { 200: Type.Object({ signed: Type.Array(Type.String()) }), ...errors(400, 401, 403, 409) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const prepared = await prepareCsafSignatures(context, context.db, actor, request.body.passphrase);
      return inTransaction(context, (trx) => storeCsafSignatures(context, trx, actor, prepared));
    },
  );

  app.get(
    '/advisories/:id',
    { schema: { tags: ['advisories'], summary: 'One advisory: published content and revision history; staff also get the draft', security: [], params: IdParam, response: { 200: Advisory, ...errors(404) } } },
    async (request) => presentAdvisory(context, context.db, request.actor, await getAdvisory(context.db, request.actor, request.params.id)),
  );

  app.patch(
    '/advisories/:id',
    {
      schema: {
        tags: ['advisories'],
        summary: 'Replace the draft (triagers, leads, CNA); the published revision is unchanged until the next publication',
        params: IdParam,
        body: Type.Object({ content: Type.Optional(ContentIn), sourceUrl: Type.Optional(Nullable(Str(ADVISORY_LIMITS.url))) }, { additionalProperties: false, minProperties: 1 }),
        response: { 200: Advisory, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, async (trx) => presentAdvisory(context, trx, actor, await updateDraft(context, trx, actor, request.params.id, request.body)));
    },
  );

  app.post(
    '/advisories/:id/publish',
    {
      schema: {
        tags: ['advisories'],
        summary: 'Publish the draft as the next revision (leads): refused with the reasons when incomplete or when its CSAF would be invalid',
        params: IdParam,
        body: Type.Object({ changeSummary: Type.Optional(Type.String({ maxLength: ADVISORY_LIMITS.changeSummary, description: 'What changed (required after the first revision)' })) }, { additionalProperties: false }),
        response: { 200: Advisory, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, async (trx) => presentAdvisory(context, trx, actor, await publishAdvisory(context, trx, actor, request.params.id, request.body)));
    },
  );

  app.get(
    '/advisories/:id/csaf',
    {
      schema: {
        tags: ['advisories'],
        summary: 'The CSAF 2.0 document of the current revision (staff: ?draft=true previews the draft)',
        security: [],
        params: IdParam,
        querystring: DraftQuery,
        response: { 200: Type.Unknown({ description: 'A CSAF 2.0 document' }), ...errors(404) },
      },
    },
    async (request, reply) => {
      const row = await getAdvisory(context.db, request.actor, request.params.id);
      return reply.type('application/json; charset=utf-8').send(await advisoryCsaf(context, context.db, request.actor, row, request.query.draft === true));
    },
  );

  app.get(
    '/advisories/:id/osv',
    {
      schema: {
        tags: ['advisories'],
        summary: 'The advisory as an OSV record (404 when it names no package; staff: ?draft=true previews the draft)',
        security: [],
        params: IdParam,
        querystring: DraftQuery,
        response: { 200: Type.Unknown({ description: 'An OSV record' }), ...errors(404) },
      },
    },
    async (request, reply) => {
      const row = await getAdvisory(context.db, request.actor, request.params.id);
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(await advisoryOsv(context, context.db, request.actor, row, request.query.draft === true)));
    },
  );

  app.get(
    '/policy-page',
    { schema: { tags: ['advisories'], summary: 'The sections of the public security policy page (/security)', security: [], response: { 200: Type.Object({ items: Type.Array(Section) }) } } },
    async () => ({ items: await policyPage(context, context.db) }),
  );

  app.put(
    '/policy-page/:section',
    {
      schema: {
        tags: ['advisories'],
        summary: 'Save a section of the security policy page as its next version (leads)',
        params: SectionParams,
        body: Type.Object({ body: Type.String({ minLength: 1, maxLength: POLICY_SECTION_MAX, description: 'Markdown' }) }, { additionalProperties: false }),
        response: { 200: Section, ...errors(400, 401, 403, 409) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, (trx) => savePolicySection(context, trx, actor, request.params.section, request.body.body));
    },
  );

  app.get(
    '/policy-page/:section/history',
    {
      schema: {
        tags: ['advisories'],
        summary: 'Every saved version of a section, newest first (staff)',
        params: SectionParams,
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ version: Type.Integer(), body: Type.String(), createdAt: Type.String(), createdBy: Nullable(Type.String()) })) }), ...errors(401, 403) },
      },
    },
    async (request) => ({ items: await policySectionHistory(context.db, requireUser(request), request.params.section) }),
  );
}
