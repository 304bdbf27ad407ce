import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { adoptDiscoveredChannel, discoverNow, listVendorDiscoveries, requestVendorDiscovery } from '../../domain/discovery/discovery.service.js';
import { CONTACT_KINDS, CONTACT_STATUSES, LIMITS, RESPONSE_KINDS, VENDOR_KINDS } from '../../domain/vendors/vendor.js';
import {
  addContact,
  addVendorKey,
  createVendor,
  deleteContact,
  deleteVendor,
  deleteVendorKey,
  getVendor,
  listVendors,
  matchVendorsForPurls,
  presentContact,
  presentVendor,
  recordResponseTime,
  updateContact,
  updateVendor,
} from '../../domain/vendors/vendor.service.js';
import { requireUser } from '../plugins/authentication.js';
import { perAccountLimit } from '../rate-limits.js';
import { errors, Id, Nullable, Ok, Rendered } from '../schemas.js';
import { inTransaction } from '../transaction.js';

const Evidence = Type.Object({ url: Nullable(Type.String()), fetched_at: Type.String() }, { additionalProperties: true, description: 'What was fetched, when, and what it answered (http_status, sha256, excerpt, check…)' });
const Contact = Type.Object({
  id: Id,
  kind: Type.String({ description: CONTACT_KINDS.join(', ') }),
  value: Type.String(),
  status: Type.String({ description: CONTACT_STATUSES.join(', ') }),
  source: Type.String(),
  note: Type.String(),
  evidence: Nullable(Evidence),
  checkedAt: Nullable(Type.String()),
  preferred: Type.Boolean(),
});
const Stats = Type.Object({ medianHours: Nullable(Type.Number()), count: Type.Integer() });
const Vendor = Type.Object({
  id: Id,
  name: Type.String(),
  kind: Type.String({ description: VENDOR_KINDS.join(', ') }),
  country: Nullable(Type.String()),
  notes: Rendered,
  domains: Type.Array(Type.String()),
  repositories: Type.Array(Type.String()),
  packages: Type.Array(Type.Object({ ecosystem: Type.String(), name: Type.String(), purl: Type.String() })),
  contacts: Type.Array(Contact),
  preferredContactId: Nullable(Id),
  keys: Type.Array(Type.Object({ id: Id, fingerprint: Type.String(), userIds: Type.Array(Type.String()), expiresAt: Nullable(Type.String()), armored: Type.String(), createdAt: Type.String() })),
  responseTimes: Type.Object({ acknowledgement: Stats, fix: Stats }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const VendorSummary = Type.Object({
  id: Id,
  name: Type.String(),
  kind: Type.String({ description: VENDOR_KINDS.join(', ') }),
  domains: Type.Array(Type.String()),
  contactCount: Type.Integer(),
  preferredContact: Nullable(Type.Object({ kind: Type.String(), value: Type.String(), status: Type.String() })),
});
const ContactIn = Type.Object(
  { kind: Type.Enum(CONTACT_KINDS), value: Type.String({ minLength: 1, maxLength: LIMITS.contactValue }), note: Type.Optional(Type.String({ maxLength: LIMITS.contactNote })), status: Type.Optional(Type.Enum(CONTACT_STATUSES)) },
  { additionalProperties: false },
);
const vendorFields = {
  name: Type.String({ minLength: 1, maxLength: LIMITS.name }),
  kind: Type.Optional(Type.Enum(VENDOR_KINDS)),
  country: Type.Optional(Nullable(Type.String({ maxLength: 2 }))),
  notes: Type.Optional(Type.String({ maxLength: LIMITS.notes, description: 'Markdown' })),
  domains: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: LIMITS.domains })),
  repositories: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: LIMITS.repositories })),
  packages: Type.Optional(Type.Array(Type.String({ maxLength: 1000, description: 'A package URL; pkg:npm/%40acme/* for a whole namespace' }), { maxItems: LIMITS.packages })),
};
const Channel = Type.Object(
  {
    kind: Type.String(),
    value: Type.String(),
    source: Type.String(),
    status: Type.String(),
    usable: Type.Boolean(),
    flags: Type.Array(Type.String()),
    vendor: Type.Optional(Type.Object({ id: Id, name: Type.String() })),
    note: Type.Optional(Type.String()),
    evidence: Evidence,
  },
  { additionalProperties: false },
);
const DiscoveryResult = Type.Object({
  target: Type.String(),
  vendor: Nullable(Type.Object({ id: Id, name: Type.String() })),
  channels: Type.Array(Channel),
  rejected: Type.Array(Channel),
  recommended: Nullable(Channel),
  warnings: Type.Array(Type.String()),
  timed_out: Type.Boolean(),
  started_at: Type.String(),
  finished_at: Type.String(),
});
const Discovery = Type.Object({ id: Id, vendorId: Nullable(Id), target: Type.String(), state: Type.String(), result: Nullable(DiscoveryResult), requestedAt: Type.String(), finishedAt: Nullable(Type.String()) });
const VendorParams = Type.Object({ id: Id });
// Nested ids are checked by the service (after authorisation), so a bad one is a 404.
const ContactParams = Type.Object({ id: Id, contactId: Type.String({ maxLength: 64 }) });
const KeyParams = Type.Object({ id: Id, keyId: Type.String({ maxLength: 64 }) });
const DiscoveryParams = Type.Object({ id: Id, discoveryId: Type.String({ maxLength: 64 }) });

/** The vendor directory and contact discovery (docs/vendors.md): staff read, triagers and leads write. */
export async function vendorsRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['vendors'];

  app.get(
    '/vendors',
    {
      schema: {
        tags,
        summary: 'The vendor directory, searched by name, domain, repository or package (staff)',
        querystring: Type.Object(
          { q: Type.Optional(Type.String({ maxLength: LIMITS.search })), kind: Type.Optional(Type.Enum(VENDOR_KINDS)), limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(VendorSummary), total: Type.Integer() }), ...errors(400, 401, 403) },
      },
    },
    async (request) => listVendors(context, context.db, requireUser(request), request.query),
  );

  app.post(
    '/vendors',
    { schema: { tags, summary: 'Add a vendor or coordinator (triagers, leads)', body: Type.Object({ ...vendorFields, contacts: Type.Optional(Type.Array(ContactIn, { maxItems: LIMITS.contacts })) }, { additionalProperties: false }), response: { 201: Vendor, ...errors(400, 401, 403, 409) } } },
    async (request, reply) => {
      const actor = requireUser(request);
      const view = await inTransaction(context, async (trx) => presentVendor(trx, await createVendor(context, trx, actor, request.body)));
      return reply.status(201).send(view);
    },
  );

  app.post(
    '/vendors/match',
    {
      schema: {
        tags,
        summary: 'The vendor of each package URL (staff)',
        body: Type.Object({ purls: Type.Array(Type.String({ maxLength: 1000 }), { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ purl: Type.String(), vendor: Nullable(Type.Object({ id: Id, name: Type.String() })), error: Type.Optional(Type.String()) })) }), ...errors(400, 401, 403) },
      },
    },
    async (request) => ({ items: await matchVendorsForPurls(context.db, requireUser(request), request.body.purls) }),
  );

  app.get('/vendors/:id', { schema: { tags, summary: 'One vendor: contacts, keys, response times (staff)', params: VendorParams, response: { 200: Vendor, ...errors(401, 403, 404) } } }, async (request) =>
    presentVendor(context.db, await getVendor(context.db, requireUser(request), request.params.id)),
  );

  app.patch(
    '/vendors/:id',
    {
      schema: {
        tags,
        summary: 'Change a vendor; lists given replace the old ones (triagers, leads)',
        params: VendorParams,
        body: Type.Partial(Type.Object({ ...vendorFields, preferredContactId: Nullable(Id) }, { additionalProperties: false }), { additionalProperties: false, minProperties: 1 }),
        response: { 200: Vendor, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, async (trx) => presentVendor(trx, await updateVendor(context, trx, actor, request.params.id, request.body)));
    },
  );

  app.delete('/vendors/:id', { schema: { tags, summary: 'Remove a vendor (triagers, leads)', params: VendorParams, response: { 200: Ok, ...errors(401, 403, 404) } } }, async (request) => {
    const actor = requireUser(request);
    await inTransaction(context, (trx) => deleteVendor(context, trx, actor, request.params.id));
    return { ok: true as const };
  });

  app.post('/vendors/:id/contacts', { schema: { tags, summary: 'Add a contact (triagers, leads)', params: VendorParams, body: ContactIn, response: { 201: Contact, ...errors(400, 401, 403, 404, 409) } } }, async (request, reply) => {
    const actor = requireUser(request);
    const view = await inTransaction(context, async (trx) => {
      const row = await addContact(context, trx, actor, request.params.id, request.body);
      return presentContact(row, (await getVendor(trx, actor, request.params.id)).preferred_contact_id);
    });
    return reply.status(201).send(view);
  });

  app.patch(
    '/vendors/:id/contacts/:contactId',
    {
      schema: {
        tags,
        summary: 'Change a contact’s note or status, e.g. bounced (triagers, leads)',
        params: ContactParams,
        body: Type.Object({ note: Type.Optional(Type.String({ maxLength: LIMITS.contactNote })), status: Type.Optional(Type.Enum(CONTACT_STATUSES)) }, { additionalProperties: false, minProperties: 1 }),
        response: { 200: Contact, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, async (trx) => {
        const row = await updateContact(context, trx, actor, request.params.id, request.params.contactId, request.body);
        return presentContact(row, (await getVendor(trx, actor, request.params.id)).preferred_contact_id);
      });
    },
  );

  app.delete('/vendors/:id/contacts/:contactId', { schema: { tags, summary: 'Remove a contact (triagers, leads)', params: ContactParams, response: { 200: Ok, ...errors(401, 403, 404) } } }, async (request) => {
    const actor = requireUser(request);
    await inTransaction(context, (trx) => deleteContact(context, trx, actor, request.params.id, request.params.contactId));
    return { ok: true as const };
  });

  app.post(
    '/vendors/:id/keys',
    {
      schema: {
        tags,
        summary: 'Add the vendor’s OpenPGP public key (private keys are refused) (triagers, leads)',
        params: VendorParams,
        body: Type.Object({ armored: Type.String({ minLength: 1, maxLength: LIMITS.keyBytes }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Id, fingerprint: Type.String() }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const row = await inTransaction(context, (trx) => addVendorKey(context, trx, actor, request.params.id, request.body.armored));
      return reply.status(201).send({ id: row.id, fingerprint: row.fingerprint });
    },
  );

  app.delete('/vendors/:id/keys/:keyId', { schema: { tags, summary: 'Remove a key (triagers, leads)', params: KeyParams, response: { 200: Ok, ...errors(401, 403, 404) } } }, async (request) => {
    const actor = requireUser(request);
    await inTransaction(context, (trx) => deleteVendorKey(context, trx, actor, request.params.id, request.params.keyId));
    return { ok: true as const };
  });

  app.post(
    '/vendors/:id/response-times',
    {
      schema: {
        tags,
        summary: 'Record how long the vendor took to acknowledge or fix (triagers, leads; cases record these)',
        params: VendorParams,
        body: Type.Object(
          { kind: Type.Enum(RESPONSE_KINDS), contactedAt: Type.String({ format: 'date-time' }), respondedAt: Type.String({ format: 'date-time' }), caseRef: Type.Optional(Type.String({ maxLength: 200 })) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ ok: Type.Literal(true) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      await inTransaction(context, (trx) => recordResponseTime(context, trx, actor, request.params.id, request.body));
      return reply.status(201).send({ ok: true as const });
    },
  );

  app.post(
    '/vendors/:id/discover',
    {
      schema: {
        tags,
        summary: 'Queue contact discovery for the vendor (its first domain, repository or package unless a target is given); the result is stored with the vendor (triagers, leads)',
        params: VendorParams,
        body: Type.Optional(Type.Object({ target: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) }, { additionalProperties: false })),
        response: { 202: Discovery, ...errors(400, 401, 403, 404) },
      },
      config: perAccountLimit(60),
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const view = await inTransaction(context, (trx) => requestVendorDiscovery(context, trx, actor, request.params.id, request.body?.target));
      return reply.status(202).send(view);
    },
  );

  app.get('/vendors/:id/discoveries', { schema: { tags, summary: 'The vendor’s latest discoveries and their results (staff)', params: VendorParams, response: { 200: Type.Object({ items: Type.Array(Discovery) }), ...errors(401, 403, 404) } } }, async (request) => ({
    items: await listVendorDiscoveries(context.db, requireUser(request), request.params.id),
  }));

  app.post(
    '/vendors/:id/discoveries/:discoveryId/adopt',
    {
      schema: {
        tags,
        summary: 'Copy a discovered channel, with its evidence, into the vendor’s contacts (triagers, leads)',
        params: DiscoveryParams,
        body: Type.Object({ channel: Type.Integer({ minimum: 0, maximum: 1000, description: 'Index into the result’s channels' }) }, { additionalProperties: false }),
        response: { 201: Contact, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const view = await inTransaction(context, async (trx) => {
        const row = await adoptDiscoveredChannel(context, trx, actor, request.params.id, request.params.discoveryId, request.body.channel);
        return presentContact(row, (await getVendor(trx, actor, request.params.id)).preferred_contact_id);
      });
      return reply.status(201).send(view);
    },
  );

  app.post(
    '/discovery',
    {
      schema: {
        tags,
        summary: 'Discover the reporting channels of a domain, URL, repository URL or package URL now (triagers, leads)',
        body: Type.Object({ target: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 200: DiscoveryResult, ...errors(400, 401, 403) },
      },
      config: perAccountLimit(30),
    },
    async (request) => discoverNow(context, requireUser(request), request.body.target),
  );
}
