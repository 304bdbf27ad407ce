// Baseline: a bare Fastify route answering the same JSON as GET /api/v1/me, no auth, no database.
import Fastify from 'fastify';

const body = JSON.parse(process.env.BENCH_BODY ?? '{}');
const app = Fastify({ logger: false });
app.get('/api/v1/me', async () => body);
app.get('/healthz', async () => ({ status: 'ok' }));
// The same JSON body a report submission carries, parsed and answered, stored nowhere.
app.post('/api/v1/reports', async (request, reply) => reply.status(201).send({ id: 'x', received: Object.keys(request.body ?? {}).length }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
