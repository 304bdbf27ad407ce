import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { changeIncidentSettings, viewIncidentSettings } from '../../domain/incidents/incident-settings.js';
import { redeemReceipt } from '../../domain/incidents/incident-receipts.js';
import { processReportIntake } from '../../domain/reports/report-intake.js';
import {
  acknowledgeIncident,
  addFollowUpMessage,
  addIncidentMessage,
  closeIncident,
  fetchProtectedPrivateKey,
  followUpView,
  incidentIntakeInfo,
  listIncidents,
  readIncident,
  setReplyKey,
  submitIncident,
  unsealIncident,
  setReporterPublicKey,
} from '../../domain/incidents/incident.service.js';
import { CONTACT_METHODS, INCIDENT_STATES } from '../../domain/incidents/incident.js';
import { REPORT_LIMITS } from '../../domain/reports/report.js';
import { orNull } from '../../domain/settings/settings.js';
import { perAccountLimit } from '../rate-limits.js';
import { requireUser } from '../plugins/authentication.js';
import { errors, Id, IdParams, Nullable, Timestamp } from '../schemas.js';
import { inTransaction } from '../transaction.js';

const Armoured = Type.String({ description: 'An armoured OpenPGP message (-----BEGIN PGP MESSAGE-----), encrypted in the browser' });
const ProgramRef = Nullable(Type.Object({ id: Id, slug: Type.String(), name: Type.String() }));
const State = Type.Enum(INCIDENT_STATES);

const Incident = Type.Object({
  id: Id,
  source: Type.Enum(['web', 'mail']),
  sealed: Type.Boolean({ description: 'False for plain mail filed as an open report (reportId): it has no sealed messages and cannot be unsealed' }),
  state: State,
  program: ProgramRef,
  receivedAt: Timestamp,
  size: Type.Integer({ description: 'Bytes of the armoured submission' }),
  contactMethod: Type.Enum(CONTACT_METHODS),
  hasReporterKey: Type.Boolean({ description: 'The reporter gave a public key: replies must be encrypted to it' }),
  reporterId: Type.Optional(Nullable(Type.String())),
  encryptedTo: Type.Array(Type.Object({ keyId: Type.String(), fingerprint: Type.String() }), { description: 'Organisation keys the submission is encrypted to' }),
  acceptance: Type.Object({ acceptedAt: Timestamp, statementVersion: Type.Integer(), programPolicyVersion: Nullable(Type.Integer()) }),
  acknowledgedAt: Nullable(Timestamp),
  acknowledgedBy: Type.Optional(Nullable(Type.String())),
  alarms: Type.Integer(),
  nextAlarmAt: Type.Optional(Nullable(Timestamp)),
  closedAt: Nullable(Timestamp),
  closedBy: Type.Optional(Nullable(Type.String())),
  unsealedAt: Nullable(Timestamp),
  unsealedBy: Type.Optional(Nullable(Type.String())),
  reportId: Nullable(Type.String()),
  messages: Type.Integer(),
  lastMessageAt: Timestamp,
  deletesAt: Nullable(Timestamp),
});

const IncidentDetail = Type.Intersect([
  Incident,
  Type.Object({
    items: Type.Array(
      Type.Object({ id: Id, author: Type.Enum(['reporter', 'staff']), authorId: Type.Optional(Nullable(Type.String())), message: Armoured, size: Type.Integer(), createdAt: Timestamp }),
    ),
    contact: Type.Optional(Type.Object({ email: Nullable(Type.String()), publicKey: Nullable(Type.String()) })),
    replyKey: Type.Optional(Nullable(Type.String({ description: "The reporter's reply key: their private key, protected by their receipt code" }))),
  }),
]);

const MessageAdded = Type.Object({ id: Id, author: Type.Enum(['reporter', 'staff']), createdAt: Timestamp });

const ReportFields = Type.Object(
  {
    program: Type.Optional(Type.String({ minLength: 1, maxLength: 63, description: "Default: the incident's programme" })),
    title: Type.String({ minLength: 1, maxLength: REPORT_LIMITS.title }),
    description: Type.String({ minLength: 1, maxLength: REPORT_LIMITS.text }),
    steps: Type.Optional(Type.String({ maxLength: REPORT_LIMITS.text })),
    impact: Type.Optional(Type.String({ maxLength: REPORT_LIMITS.impact })),
    asset: Type.Optional(Id),
    assetOther: Type.Optional(Type.String({ minLength: 1, maxLength: REPORT_LIMITS.assetOther })),
    category: Type.Optional(Id),
    cwe: Type.Optional(Type.Integer({ minimum: 1, maximum: 99_999 })),
    cvss: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 2 })),
    attachments: Type.Optional(Type.Array(Id, { maxItems: 100, description: 'Your uploads (POST /api/v1/attachments) of decrypted files to open with it' })),
  },
  { additionalProperties: false },
);

const Settings = Type.Object({
  onCallEmails: Nullable(Type.Array(Type.String())),
  alarmRecipients: Type.Array(Type.String(), { description: 'Where alarms go now (every active lead when onCallEmails is null)' }),
  alarmRepeatMinutes: Type.Integer(),
  statement: Type.String(),
  statementVersion: Type.Integer(),
  retentionDays: Nullable(Type.Integer()),
  programRetentionDays: Type.Array(Type.Object({ programId: Type.String(), slug: Nullable(Type.String()), days: Nullable(Type.Integer()) })),
  retentionReminderDays: Type.Integer(),
  receiptValidityDays: Type.Integer(),
  mailIntakeProgram: ProgramRef,
});

const SettingsPatch = Type.Object(
  {
    onCallEmails: Type.Optional({ ...orNull(Type.Array(Type.String({ minLength: 3, maxLength: 254 }), { maxItems: 50 })), description: 'Alarm recipients; null: every active lead' }),
    alarmRepeatMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
    statement: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000, description: 'What reporters accept; a new text is a new version' })),
    retentionDays: Type.Optional({ ...orNull(Type.Integer({ minimum: 1, maximum: 36_500 })), description: 'Days after closing a never-unsealed incident is deleted; null: never' }),
    programRetentionDays: Type.Optional(
      Type.Record(Type.String({ maxLength: 63 }), Type.Union([Type.Integer({ minimum: 1, maximum: 36_500 }), Type.Null(), Type.Literal('default')]), {
        description: 'Programme slug or id → days (null: never; "default": use retentionDays)',
      }),
    ),
    retentionReminderDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
    receiptValidityDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
    mailIntakeProgram: Type.Optional({ ...orNull(Type.String({ minLength: 1, maxLength: 63 })), description: 'Programme plain mail to the SMTP intake is filed in; null: refuse plain mail' }),
  },
  { additionalProperties: false, minProperties: 1 },
);

const PrivateKey = Type.Object({
  fingerprint: Type.String(),
  status: Type.String(),
  uid: Type.String(),
  privateKey: Type.String({ description: 'Armoured, encrypted with the passphrase: unlock it in the browser; the passphrase never comes here' }),
  publicKey: Type.String(),
});

const FollowUpHeaders = Type.Object({ 'x-follow-up-token': Type.Optional(Type.String({ maxLength: 1000, description: 'From POST /api/v1/incidents/receipt' })) });

const followUpToken = (request: FastifyRequest) => {
  const value = request.headers['x-follow-up-token'];
  return Array.isArray(value) ? value[0] : value;
};

/** Sealed incidents: submission (anyone), receipts and follow-up, the staff side, the protected private key. */
export async function incidentsRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // The armoured message, plus room for the JSON around it.
  const bodyLimit = context.config.incidentMaxBytes + 256 * 1024;
  const submissionLimit = perAccountLimit(context.config.submissionRateLimitPerMinute);

  app.get(
    '/incidents/intake',
    {
      schema: {
        tags: ['incidents'],
        summary: 'What the encrypted report form needs: the statement to accept, the size limit, the key to encrypt to',
        response: {
          200: Type.Object({
            statement: Type.Object({ version: Type.Integer(), text: Type.String() }),
            maxMessageBytes: Type.Integer(),
            receiptValidityDays: Type.Integer(),
            key: Nullable(Type.Object({ fingerprint: Type.String(), uid: Type.String(), publicKey: Type.String() })),
          }),
        },
      },
    },
    async () => incidentIntakeInfo(context),
  );

  app.post(
    '/incidents',
    {
      bodyLimit,
      config: submissionLimit,
      schema: {
        tags: ['incidents'],
        summary: 'Send a sealed incident report: an OpenPGP message encrypted to the organisation key (anyone; signed in or not)',
        body: Type.Object(
          {
            message: Armoured,
            accept_unconditional: Type.Optional(Type.Boolean({ description: 'Must be true: information sent this way is shared unconditionally' })),
            program: Type.Optional(Type.String({ minLength: 1, maxLength: 63, description: 'Programme slug or id' })),
            statementVersion: Type.Optional(Type.Integer({ minimum: 1, description: 'The statement version read (409 when it changed)' })),
            contact: Type.Optional(
              Type.Object(
                {
                  method: Type.Enum(CONTACT_METHODS),
                  email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
                  publicKey: Type.Optional(Type.String({ maxLength: 100_000, description: 'Your armoured public key: replies will be encrypted to it' })),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            id: Id,
            receivedAt: Timestamp,
            receipt: Type.Optional(Type.String({ description: 'Shown once: 9 groups of 4 digits; come back with it to read replies' })),
            receiptExpiresAt: Type.Optional(Timestamp),
          }),
          ...errors(400, 401, 403, 404, 409, 413, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const stored = await submitIncident(context, request.actor, {
        message: body.message,
        acceptUnconditional: body.accept_unconditional,
        program: body.program,
        statementVersion: body.statementVersion,
        contact: body.contact,
      });
      return reply.status(201).send({
        id: stored.row.id,
        receivedAt: stored.row.received_at,
        ...(stored.receipt ? { receipt: stored.receipt, receiptExpiresAt: stored.receiptExpiresAt! } : {}),
      });
    },
  );

  app.post(
    '/incidents/receipt',
    {
      config: { rateLimit: { max: context.config.incidentReceiptRateLimitPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['incidents'],
        summary: 'Exchange a receipt for a follow-up token (30 minutes): to read replies and add information',
        body: Type.Object({ receipt: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ token: Type.String(), expiresAt: Timestamp, incidentId: Id }), ...errors(400, 401, 429) },
      },
    },
    async (request) => redeemReceipt(context, request.body.receipt),
  );

  app.get(
    '/incidents/followup',
    {
      schema: {
        tags: ['incidents'],
        summary: 'The incident, its messages (ciphertext) and your reply key, with the follow-up token in X-Follow-Up-Token',
        headers: FollowUpHeaders,
        response: { 200: IncidentDetail, ...errors(401) },
      },
    },
    async (request) => followUpView(context, followUpToken(request)),
  );

  app.post(
    '/incidents/followup/messages',
    {
      bodyLimit,
      config: submissionLimit,
      schema: {
        tags: ['incidents'],
        summary: 'Add information: an OpenPGP message encrypted to the organisation key (follow-up token in X-Follow-Up-Token)',
        headers: FollowUpHeaders,
        body: Type.Object({ message: Armoured }, { additionalProperties: false }),
        response: { 201: MessageAdded, ...errors(400, 401, 413, 422, 429) },
      },
    },
    async (request, reply) => reply.status(201).send(await addFollowUpMessage(context, followUpToken(request), request.body.message)),
  );

  app.put(
    '/incidents/followup/reply-key',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Keep your reply key here: your private key, protected by a passphrase (the report page uses the receipt)',
        headers: FollowUpHeaders,
        body: Type.Object({ privateKey: Type.String({ maxLength: 100_000 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ fingerprint: Type.String() }), ...errors(400, 401, 409) },
      },
    },
    async (request) => setReplyKey(context, followUpToken(request), request.body.privateKey),
  );

  app.get(
    '/incidents',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Incidents, newest first, metadata only (triagers, leads, auditors: all; anyone else: their own)',
        querystring: Type.Object(
          { state: Type.Optional(State), after: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Incident), next: Nullable(Type.String()) }), ...errors(400, 401, 403) },
      },
    },
    async (request) => listIncidents(context.db, requireUser(request), { state: request.query.state, after: request.query.after, limit: request.query.limit ?? 50 }),
  );

  app.get(
    '/incidents/settings',
    { schema: { tags: ['incidents'], summary: 'Incident settings: on-call, alarms, statement, retention, receipts, mail intake', response: { 200: Settings, ...errors(401, 403) } } },
    async (request) => viewIncidentSettings(context.db, requireUser(request)),
  );

  app.patch(
    '/incidents/settings',
    { schema: { tags: ['incidents'], summary: 'Change incident settings (leads)', body: SettingsPatch, response: { 200: Settings, ...errors(400, 401, 403) } } },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, (trx) => changeIncidentSettings(context, trx, actor, request.body as never));
    },
  );

  app.get(
    '/incidents/:id',
    {
      schema: {
        tags: ['incidents'],
        summary: 'One incident with its sealed messages (ciphertext); every reading is audited (triagers, leads, its own reporter)',
        params: IdParams,
        response: { 200: IncidentDetail, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => readIncident(context, requireUser(request), request.params.id),
  );

  app.post(
    '/incidents/:id/replies',
    {
      bodyLimit,
      config: submissionLimit,
      schema: {
        tags: ['incidents'],
        summary: "An encrypted message: a staff reply (encrypted to the reporter's key when they gave one), or more information from the incident's own reporter",
        params: IdParams,
        body: Type.Object({ message: Armoured }, { additionalProperties: false }),
        response: { 201: MessageAdded, ...errors(400, 401, 403, 404, 409, 413, 422, 429) },
      },
    },
    async (request, reply) => reply.status(201).send(await addIncidentMessage(context, requireUser(request), request.params.id, request.body.message)),
  );

  app.put(
    '/incidents/:id/reporter-key',
    {
      schema: {
        tags: ['incidents'],
        summary: "Give the reporter's public key when they gave none (triagers, leads): replies are then encrypted to it; a key the reporter gave cannot be replaced",
        params: IdParams,
        body: Type.Object({ publicKey: Type.String({ minLength: 1, maxLength: 100_000, description: "The reporter's armoured public key" }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ fingerprint: Type.String() }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => setReporterPublicKey(context, requireUser(request), request.params.id, request.body.publicKey),
  );

  app.post(
    '/incidents/:id/acknowledge',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Acknowledge: stops the alarms (a closed incident is reopened)',
        params: IdParams,
        response: { 200: Incident, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, (trx) => acknowledgeIncident(context, trx, actor, request.params.id));
    },
  );

  app.post(
    '/incidents/:id/close',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Close: unless unsealed, retention deletes it in time',
        params: IdParams,
        body: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
        response: { 200: Incident, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, (trx) => closeIncident(context, trx, actor, request.params.id, request.body.reason));
    },
  );

  app.post(
    '/incidents/:id/unseal',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Open (what you decrypted and chose of) the incident as a normal report; audited with who and why; the sealed original stays sealed',
        params: IdParams,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }), report: ReportFields }, { additionalProperties: false }),
        response: { 201: Type.Object({ incident: Incident, reportId: Id }), ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const unsealed = await inTransaction(context, (trx) => unsealIncident(context, trx, actor, request.params.id, request.body));
      await processReportIntake(context);
      return reply.status(201).send(unsealed);
    },
  );

  app.get(
    '/keys/current/private',
    {
      schema: {
        tags: ['keys'],
        summary: 'The current private key, passphrase-protected, to unlock in the browser (triagers, leads); every fetch is audited',
        response: { 200: PrivateKey, ...errors(401, 403, 404) },
      },
    },
    async (request) => fetchProtectedPrivateKey(context, requireUser(request), 'current'),
  );

  app.get(
    '/keys/:fingerprint/private',
    {
      schema: {
        tags: ['keys'],
        summary: 'A previous key, passphrase-protected, for incidents encrypted to it (triagers, leads); every fetch is audited',
        params: Type.Object({ fingerprint: Type.String({ maxLength: 100, description: 'The key fingerprint (40 or 64 hex digits)' }) }),
        response: { 200: PrivateKey, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => fetchProtectedPrivateKey(context, requireUser(request), request.params.fingerprint),
  );
}
