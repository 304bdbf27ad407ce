// Storage floor for report submission: a bare Fastify route that durably stores what a submitted
// report must leave behind in cvdesk's own SQLite schema (the database `cvdesk migrate` made, with
// every index, foreign keys on) and nothing else: the report row, its "created" timeline event, its hash-chained
// audit event and its duplicate-detection terms (the product's own term extraction). Raw prepared
// statements, no query builder, no authentication, no validation, no answer beyond the id; the
// writes of every request that arrives while a batch runs share one transaction, as the product's
// group commit does, and a request is answered only after its commit. It shows how much of the
// bare route's throughput any design storing those rows at acknowledgement keeps on this machine.
//   FLOOR_DB: a copy of a cvdesk database holding the programme FLOOR_PROGRAM (slug) and the user
//   FLOOR_EMAIL, whose reports these are. FLOOR_PARTS: a comma list of report,event,audit,terms
//   (default: all four).
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import Fastify from 'fastify';
import SQLite from 'better-sqlite3';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const { reportTerms } = await import(path.join(root, 'dist', 'server', 'domain', 'reports', 'report-terms.js'));

const PARTS = new Set((process.env.FLOOR_PARTS ?? 'report,event,audit,terms').split(','));
const db = new SQLite(process.env.FLOOR_DB);
// The product's pragmas (src/db/connect.ts).
db.pragma('journal_mode = WAL');
db.pragma('foreign_keys = ON');
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -32768');

const programId = db.prepare('select id from programs where slug = ?').pluck().get(process.env.FLOOR_PROGRAM);
const reporterId = db.prepare('select id from users where email = ?').pluck().get(process.env.FLOOR_EMAIL);
if (!programId || !reporterId) throw new Error('FLOOR_DB must hold the programme FLOOR_PROGRAM and the user FLOOR_EMAIL');
const insertReport = db.prepare(
  `insert into reports (id, program_id, reporter_id, title, description, steps, impact, cvss_vectors, severity, priority, state, labels, policy_version, created_at, updated_at)
   values (?, ?, ?, ?, ?, ?, ?, '[]', 'none', 'P5', 'new', '[]', 1, ?, ?)`,
);
const insertEvent = db.prepare(
  `insert into report_events (id, report_id, kind, internal, author_id, author_label, body, data, created_at, seq) values (?, ?, 'created', 0, ?, 'reporter', null, '{}', ?, 1)`,
);
const lastHash = db.prepare('select hash from audit_events order by seq desc limit 1').pluck();
const insertAudit = db.prepare(
  `insert into audit_events (id, occurred_at, actor_id, actor_label, action, object_type, object_id, data, ip, prev_hash, hash) values (?, ?, ?, 'reporter', 'report.created', 'report', ?, ?, '127.0.0.1', ?, ?)`,
);
const insertTerm = db.prepare('insert into report_terms (program_id, term, report_id, weight) values (?, ?, ?, ?)');
const countTerm = db.prepare('insert into report_term_stats (program_id, term, df) values (?, ?, 1) on conflict (program_id, term) do update set df = df + 1');

function store(body) {
  const id = randomUUID();
  const now = new Date().toISOString();
  if (PARTS.has('report')) insertReport.run(id, programId, reporterId, body.title, body.description, body.steps ?? '', body.impact ?? '', now, now);
  if (PARTS.has('event')) insertEvent.run(randomUUID(), id, reporterId, now);
  if (PARTS.has('audit')) {
    const prev = lastHash.get() ?? '0'.repeat(64);
    const data = JSON.stringify({ program: body.program, title: body.title });
    insertAudit.run(randomUUID(), now, reporterId, id, data, prev, createHash('sha256').update(`${prev}${id}${now}${data}`).digest('hex'));
  }
  if (PARTS.has('terms')) {
    for (const [term, weight] of reportTerms(body)) {
      insertTerm.run(programId, term, id, weight);
      countTerm.run(programId, term);
    }
  }
  return id;
}

// Group commit: requests arriving while the event loop is busy are written in one transaction.
let pending = [];
const writeBatch = db.transaction((batch) => batch.map((item) => store(item.body)));
function flush() {
  const batch = pending;
  pending = [];
  const ids = writeBatch(batch);
  batch.forEach((item, i) => item.resolve(ids[i]));
}

const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
app.post('/api/v1/reports', async (request, reply) => {
  const id = await new Promise((resolve) => {
    if (pending.push({ body: request.body, resolve }) === 1) setImmediate(flush);
  });
  return reply.status(201).send({ id, state: 'new' });
});
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.on('SIGTERM', () =>
  app.close().then(() => {
    db.close();
    process.exit(0);
  }),
);
