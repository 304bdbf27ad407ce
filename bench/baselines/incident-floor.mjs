// Storage floor for sealed incident submission: a bare Fastify route (the same body limit) that does
// only what a sealed submission must do before it is acknowledged — check the message with the
// product's own OpenPGP checks (armour, checksum, packets; pure CPU, from dist/) and store it: the
// binary ciphertext in its own file (mode 0600, never overwriting), the incident and message rows
// and a hash-chained audit event in cvdesk's own SQLite schema (a copy of a database `cvdesk
// migrate` made, every index). Raw prepared statements, no authentication, settings, key lookup,
// alarm or answer beyond the id; the rows of every request that arrives while a batch runs share
// one transaction, as the product's group commit does, and a request is answered after its commit.
//   FLOOR_DB: the database copy. FLOOR_FILES: the folder for ciphertext files.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import SQLite from 'better-sqlite3';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const { inspectEncryptedMessage } = await import(path.join(root, 'dist', 'server', 'domain', 'incidents', 'incident-openpgp.js'));

const MAX_BYTES = 16 * 1024 * 1024;
const db = new SQLite(process.env.FLOOR_DB);
// The product's pragmas (src/db/connect.ts).
db.pragma('journal_mode = WAL');
db.pragma('foreign_keys = ON');
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -32768');
const files = process.env.FLOOR_FILES;

const insertIncident = db.prepare(
  `insert into incidents (id, source, state, received_at, size, encrypted_to, contact_method, accepted_at, terms_version, alarm_count, next_alarm_at, last_message_at, updated_at)
   values (?, 'web', 'new', ?, ?, '[]', 'none', ?, 1, 0, ?, ?, ?)`,
);
const insertMessage = db.prepare(`insert into incident_messages (id, incident_id, author, storage_key, size, created_at) values (?, ?, 'reporter', ?, ?, ?)`);
const lastHash = db.prepare('select hash from audit_events order by seq desc limit 1').pluck();
const insertAudit = db.prepare(
  `insert into audit_events (id, occurred_at, actor_id, actor_label, action, object_type, object_id, data, ip, prev_hash, hash) values (?, ?, null, 'anonymous', 'incident.received', 'incident', ?, ?, null, ?, ?)`,
);

function store({ key, size }) {
  const id = randomUUID();
  const now = new Date().toISOString();
  insertIncident.run(id, now, size, now, now, now, now);
  insertMessage.run(randomUUID(), id, key, size, now);
  const prev = lastHash.get() ?? '0'.repeat(64);
  const data = JSON.stringify({ size, contactMethod: 'none' });
  insertAudit.run(randomUUID(), now, id, data, prev, createHash('sha256').update(`${prev}${id}${now}${data}`).digest('hex'));
  return id;
}

let pending = [];
const writeBatch = db.transaction((batch) => batch.map((item) => store(item)));
function flush() {
  const batch = pending;
  pending = [];
  const ids = writeBatch(batch);
  batch.forEach((item, i) => item.resolve(ids[i]));
}

const writeNewFile = (file, bytes) => new Promise((resolve, reject) => fs.writeFile(file, bytes, { mode: 0o600, flag: 'wx' }, (error) => (error ? reject(error) : resolve())));
for (let i = 0; i < 256; i++) fs.mkdirSync(path.join(files, i.toString(16).padStart(2, '0')), { recursive: true, mode: 0o700 });

const app = Fastify({ logger: false, bodyLimit: MAX_BYTES });
app.get('/healthz', async () => ({ status: 'ok' }));
app.post('/api/v1/incidents', async (request, reply) => {
  const inspected = await inspectEncryptedMessage(request.body.message, '/message', MAX_BYTES);
  const key = randomUUID();
  await writeNewFile(path.join(files, key.slice(0, 2), key), inspected.bytes);
  const id = await new Promise((resolve) => {
    if (pending.push({ key, size: inspected.size, resolve }) === 1) setImmediate(flush);
  });
  return reply.status(201).send({ id });
});
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.on('SIGTERM', () =>
  app.close().then(() => {
    db.close();
    process.exit(0);
  }),
);
