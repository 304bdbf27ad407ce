import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { cnaPolicy, type CnaPolicy } from '../../domain/cna/cna-policy.js';
import { getCnaProfile, saveCnaProfile } from '../../domain/cna/cna-profile.service.js';
import { PROFILE_LIMITS } from '../../domain/cna/cna-profile.js';
import { assignIdToRecord, decideEligibility, listEligibilityDecisions } from '../../domain/cna/eligibility.service.js';
import { NATURES, SCOPES } from '../../domain/cna/eligibility.js';
import { assertCanActAsCna, assertCanChangeCnaProfile } from '../../domain/cna/cna.policy.js';
import { CNA_TAGS } from '../../domain/cve-records/cve-record-schema.js';
import { html, page, trusted } from '../public/html.js';
import { Key, RecordView } from './cve-records.routes.js';
import { errors, Nullable, Rendered, Timestamp } from '../schemas.js';
import { inTransaction } from '../transaction.js';

const Exclusion = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 63, description: 'A slug; default: made from the title' })),
    title: Type.String({ minLength: 1, maxLength: PROFILE_LIMITS.title }),
    explanation: Type.String({ minLength: 1, maxLength: PROFILE_LIMITS.explanation, description: 'Why it is not a vulnerability under this policy (Markdown, public)' }),
  },
  { additionalProperties: false },
);

const ProfileInput = Type.Object(
  {
    orgId: Type.Optional(Nullable(Type.String({ maxLength: 36, description: "The organisation's CVE Services UUID (providerMetadata.orgId)" }))),
    scopeStatement: Type.Optional(Type.String({ maxLength: PROFILE_LIMITS.statement, description: 'What the CNA covers (Markdown, public)' })),
    products: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: PROFILE_LIMITS.product }), { maxItems: PROFILE_LIMITS.products })),
    thirdPartyCovered: Type.Optional(Type.Boolean({ description: 'Third-party software the team finds flaws in is covered when no other CNA is' })),
    exclusions: Type.Optional(Type.Array(Exclusion, { maxItems: PROFILE_LIMITS.exclusions })),
  },
  { additionalProperties: false },
);

const ProfileView = Type.Object({
  orgId: Nullable(Type.String()),
  scopeStatement: Type.String(),
  products: Type.Array(Type.String()),
  thirdPartyCovered: Type.Boolean(),
  exclusions: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), explanation: Type.String() })),
  shortName: Nullable(Type.String({ description: 'The CVE Services organisation of the connection (CVE_ORG or the settings page)' })),
  unusedIdDays: Type.Integer({ description: 'CVE_ID_UNUSED_DAYS: reserved IDs unused this long are flagged for rejection' }),
  updatedAt: Nullable(Timestamp),
  updatedBy: Nullable(Type.String()),
});

const Elsewhere = Type.Object({ label: Type.String(), url: Type.String() });
const PolicyView = Type.Object({
  organisation: Type.String(),
  shortName: Nullable(Type.String()),
  updatedAt: Nullable(Timestamp),
  scope: Type.Object({ statement: Rendered, products: Type.Array(Type.String()), thirdPartyCovered: Type.Boolean() }),
  exclusions: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), explanation: Rendered })),
  notVulnerabilities: Type.Array(Type.String()),
  requesting: Type.Object({ formUrl: Type.String(), apiUrl: Type.String(), information: Type.Array(Type.String()) }),
  assignment: Type.Array(Type.String()),
  disclosure: Type.Array(Type.String()),
  disputes: Type.Array(Type.String()),
  elsewhere: Type.Array(Elsewhere),
});

const Answers = Type.Object(
  {
    nature: Type.Enum([...NATURES], { description: 'Is it a vulnerability at all?' }),
    scope: Type.Enum([...SCOPES], { description: "Whose product: the CNA's own, third-party with no other CNA, or another CNA's" }),
    otherCna: Type.Optional(Type.String({ maxLength: 200 })),
    independentlyFixable: Type.Boolean(),
    sharesIdWith: Type.Optional(Type.String({ maxLength: 40 })),
    existingCve: Type.Optional(Type.String({ maxLength: 40 })),
    willBePublic: Type.Boolean(),
    exclusion: Type.Optional(Type.String({ maxLength: 63, description: "An exclusion of the CNA profile that applies (its id)" })),
    tags: Type.Array(Type.Enum([...CNA_TAGS]), { maxItems: 3 }),
  },
  { additionalProperties: false },
);

const Decision = Type.Object({
  id: Type.String(),
  recordId: Type.String(),
  answers: Type.Unknown(),
  outcome: Type.Enum(['assign', 'do_not_assign', 'refer']),
  reasons: Type.Array(Type.Object({ rule: Type.String(), message: Type.String() })),
  referTo: Nullable(Type.String()),
  rationale: Type.String(),
  decidedBy: Type.String(),
  decidedAt: Timestamp,
});

export async function cnaRoutes(api: FastifyInstance, context: AppContext): Promise<void> {
  const app = api.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/cna/profile',
    { schema: { tags: ['cna'], summary: 'The CNA profile: scope, exclusions, organisation UUID, short name (staff)', response: { 200: ProfileView, ...errors(401, 403) } } },
    async (request) => getCnaProfile(context, context.db, request.actor),
  );

  app.put(
    '/cna/profile',
    {
      // Refused before the body is read or checked: a reporter learns nothing from a 400.
      preParsing: async (request) => assertCanChangeCnaProfile(request.actor),
      schema: {
        tags: ['cna'],
        summary: 'Replace the CNA profile (leads); audited with what changed',
        body: ProfileInput,
        response: { 200: ProfileView, ...errors(400, 401, 403) },
      },
    },
    async (request) => inTransaction(context, (trx) => saveCnaProfile(context, trx, request.actor, request.body)),
  );

  app.get(
    '/cna/policy',
    { schema: { tags: ['cna'], summary: 'The public CNA policy generated from the profile (what /cna shows)', security: [], response: { 200: PolicyView } } },
    async () => cnaPolicy(context, context.db),
  );

  app.get(
    '/cve-records/:id/eligibility',
    { schema: { tags: ['cna'], summary: "The record's eligibility decisions, newest (the one in force) first", params: Key, response: { 200: Type.Object({ items: Type.Array(Decision) }), ...errors(401, 403, 404) } } },
    async (request) => ({ items: await listEligibilityDecisions(context, context.db, request.actor, request.params.id) }),
  );

  app.post(
    '/cve-records/:id/eligibility',
    {
      preParsing: async (request) => assertCanActAsCna(request.actor),
      schema: {
        tags: ['cna'],
        summary: 'Decide eligibility: the questionnaire answers derive assign / do not assign / refer; the rationale is kept (CNA, leads)',
        params: Key,
        body: Type.Object({ answers: Answers, rationale: Type.String({ minLength: 1, maxLength: 10_000 }) }, { additionalProperties: false }),
        response: { 201: Decision, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await inTransaction(context, (trx) => decideEligibility(context, trx, request.actor, request.params.id, request.body))),
  );

  app.post(
    '/cve-records/:id/assign-id',
    {
      preParsing: async (request) => assertCanActAsCna(request.actor),
      schema: {
        tags: ['cna'],
        summary: 'Give an eligible record a CVE ID from the pool (the oldest free one, or the one named) (CNA, leads)',
        params: Key,
        body: Type.Optional(Type.Object({ cveId: Type.Optional(Type.String({ pattern: '^CVE-[0-9]{4}-[0-9]{4,19}$' })) }, { additionalProperties: false })),
        response: { 200: RecordView, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => inTransaction(context, (trx) => assignIdToRecord(context, trx, request.actor, request.params.id, { cveId: request.body?.cveId })),
  );
}

const HTML = 'text/html; charset=utf-8';

function policyHtml(policy: CnaPolicy): string {
  const list = (items: string[]) => html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`;
  const body = html`<h1>${policy.organisation} as a CVE Numbering Authority</h1>
<p>${policy.organisation}${policy.shortName ? html` (<code>${policy.shortName}</code>)` : ''} assigns CVE IDs and publishes CVE records as a CNA of the <a href="https://www.cve.org/">CVE Program</a>.</p>
<p class="updated">${policy.updatedAt ? `Last updated ${policy.updatedAt.slice(0, 10)}` : 'Not yet configured'}</p>
<section class="policy" id="scope"><h2>What is in scope</h2>
${trusted(policy.scope.statement.html)}
${policy.scope.products.length ? list(policy.scope.products) : html`<p>No products are listed yet.</p>`}
<p>${policy.scope.thirdPartyCovered ? 'Third-party software our team finds vulnerabilities in is covered too, when no other CNA covers it.' : 'Third-party software is not covered: ask the CNA of its vendor.'}</p>
</section>
<section class="policy" id="not-in-scope"><h2>What is not in scope, and why</h2>
${policy.exclusions.length ? html`<dl class="facts">${policy.exclusions.map((e) => html`<dt id="exclusion-${e.id}">${e.title}</dt><dd>${trusted(e.explanation.html)}</dd>`)}</dl>` : ''}
${list(policy.notVulnerabilities)}
</section>
<section class="policy" id="request"><h2>How to request a CVE</h2>
<p>Use the <a href="/cve-request">CVE request form</a> (no account needed), or <code>POST ${policy.requesting.apiUrl}</code>. You get a receipt to follow your request.</p>
<h3>What to tell us</h3>
${list(policy.requesting.information)}
</section>
<section class="policy" id="assignment"><h2>How IDs are assigned</h2>${list(policy.assignment)}</section>
<section class="policy" id="disclosure"><h2>How disclosure is coordinated</h2>${list(policy.disclosure)}</section>
<section class="policy" id="disputes"><h2>How to dispute</h2>${list(policy.disputes)}</section>
<section class="policy" id="elsewhere"><h2>Not ours?</h2><ul>${policy.elsewhere.map((e) => html`<li><a href="${e.url}">${e.label}</a></li>`)}</ul></section>`;
  return page({ title: 'CNA policy', organisation: policy.organisation, body, description: `${policy.organisation}'s CVE Numbering Authority policy` });
}

/** GET /cna: the public CNA policy page (server-rendered, no JavaScript). Registered beside the other public pages. */
export async function cnaPublicRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  app.get(
    '/cna',
    { schema: { tags: ['public'], summary: 'The CNA policy page (HTML, no JavaScript)', security: [], response: { 200: { description: HTML, content: { 'text/html': { schema: Type.String() } } } } } },
    async (_request, reply: FastifyReply) => reply.type(HTML).header('cache-control', 'public, max-age=300, must-revalidate').send(policyHtml(await cnaPolicy(context, context.db))),
  );
}
