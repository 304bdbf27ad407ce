import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../context.js';
import { sendMailJob } from '../../jobs/processors/send-mail.js';
import { DIALECTS, createTestContext } from '../../../test/helpers/databases.js';
import { makeJobsDue } from '../../../test/jobs/helpers.js';
import { MAIL_SEND_JOB, listOutbox, readOutboxMessage, sendMail } from './mail.service.js';

const LINK = 'http://localhost:8080/sign-in?token=s3cr3t-t0ken-value';
const MESSAGE = { to: 'reporter@example.test', subject: 'Your sign-in link', text: `Hello,\n\nsign in here:\n${LINK}\n` };

/** A real SMTP server on a free loopback port that parses what it receives. */
async function startSmtpServer() {
  const received: ParsedMail[] = [];
  let rejectNext = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (rejectNext) {
        rejectNext = false;
        callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    received,
    url: `smtp://127.0.0.1:${port}`,
    rejectOnce: () => (rejectNext = true),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(DIALECTS)('mail outbox on %s', (engine) => {
  let context: (AppContext & { close(): Promise<void> }) | undefined;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>> | undefined;

  afterEach(async () => {
    await context?.close();
    await smtp?.close();
    context = undefined;
    smtp = undefined;
  });

  async function withSmtp(): Promise<AppContext> {
    smtp = await startSmtpServer();
    context = await createTestContext(engine, { SMTP_URL: smtp.url, MAIL_FROM: 'cvdesk <security@example.test>' });
    return context;
  }

  it('delivers a queued message over SMTP once, after the transaction commits', async () => {
    const context = await withSmtp();
    const queued = await context.db.transaction().execute((trx) => sendMail(context, trx, MESSAGE));
    expect(queued).toMatchObject({ recipient: MESSAGE.to, status: 'queued', sentAt: null });
    expect(await context.jobs.list({ name: MAIL_SEND_JOB })).toMatchObject([{ state: 'queued', payload: { outboxId: queued.id } }]);

    await context.jobs.drain();

    expect(smtp!.received).toHaveLength(1);
    const mail = smtp!.received[0]!;
    expect(mail.subject).toBe(MESSAGE.subject);
    expect(mail.text).toBe(MESSAGE.text);
    expect(mail.from?.value).toEqual([{ name: 'cvdesk', address: 'security@example.test' }]);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : undefined).toBe(MESSAGE.to);
    expect(mail.messageId).toBe(`<${queued.id}@localhost>`);

    const [sent] = await listOutbox(context.db);
    expect(sent).toMatchObject({ id: queued.id, status: 'sent', error: null });
    expect(sent!.sentAt).not.toBeNull();
    expect((await context.jobs.list({ name: MAIL_SEND_JOB }))[0]?.state).toBe('done');

    // Running the job again (a worker lost after sending) does not mail twice.
    await sendMailJob(context)({ outboxId: queued.id }, { jobId: 'again', attempt: 2 });
    expect(smtp!.received).toHaveLength(1);
  });

  it('writes neither message nor job when the transaction rolls back', async () => {
    const context = await withSmtp();
    await expect(
      context.db.transaction().execute(async (trx) => {
        await sendMail(context, trx, MESSAGE);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await context.jobs.drain();
    expect(await listOutbox(context.db)).toEqual([]);
    expect(await context.jobs.list({})).toEqual([]);
    expect(smtp!.received).toHaveLength(0);
  });

  it('records an SMTP failure on the message and retries until it is sent', async () => {
    const context = await withSmtp();
    smtp!.rejectOnce();
    const queued = await context.db.transaction().execute((trx) => sendMail(context, trx, MESSAGE));

    await context.jobs.drain();
    const failed = await readOutboxMessage(context, context.db, queued.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('Mailbox unavailable');
    expect((await context.jobs.list({ name: MAIL_SEND_JOB }))[0]).toMatchObject({ state: 'queued', attempts: 1 });

    await makeJobsDue(context);
    await context.jobs.drain();
    expect(smtp!.received).toHaveLength(1);
    expect(await readOutboxMessage(context, context.db, queued.id)).toMatchObject({ status: 'sent', error: null });
  });

  it('without SMTP keeps the message, sealed at rest, for an admin to read', async () => {
    context = await createTestContext(engine);
    const ctx = context;
    const stored = await ctx.db.transaction().execute((trx) => sendMail(ctx, trx, MESSAGE));
    expect(stored.status).toBe('stored');
    expect(await ctx.jobs.list({})).toEqual([]);

    const row = await ctx.db.selectFrom('mail_outbox').selectAll().where('id', '=', stored.id).executeTakeFirstOrThrow();
    expect(row.body).not.toContain('s3cr3t-t0ken-value');
    expect(row.body).not.toContain('sign in here');

    const [listed] = await listOutbox(ctx.db);
    expect(listed).toEqual({ id: stored.id, recipient: MESSAGE.to, subject: MESSAGE.subject, status: 'stored', error: null, createdAt: stored.createdAt, sentAt: null });
    expect(listed).not.toHaveProperty('text');
    expect(await readOutboxMessage(ctx, ctx.db, stored.id)).toMatchObject({ ...listed, text: MESSAGE.text });
  });

  it('pages the outbox newest first', async () => {
    context = await createTestContext(engine);
    const ctx = context;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await ctx.db.transaction().execute((trx) => sendMail(ctx, trx, { ...MESSAGE, subject: `message ${i}` }))).id);
    }
    const all = await listOutbox(ctx.db, { limit: 10 });
    expect(all).toHaveLength(5);
    const first = await listOutbox(ctx.db, { limit: 2 });
    const second = await listOutbox(ctx.db, { limit: 2, before: first[1]!.id });
    const third = await listOutbox(ctx.db, { limit: 2, before: second[1]!.id });
    expect([...first, ...second, ...third].map((m) => m.id)).toEqual(all.map((m) => m.id));
    expect(all.map((m) => m.id).sort()).toEqual([...ids].sort());
  });

  it('refuses a bad address and an unknown message', async () => {
    context = await createTestContext(engine);
    const ctx = context;
    await expect(ctx.db.transaction().execute((trx) => sendMail(ctx, trx, { ...MESSAGE, to: 'not an address' }))).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(sendMail(ctx, ctx.db, { ...MESSAGE, subject: 'two\nlines' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(readOutboxMessage(ctx, ctx.db, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'not_found' });
  });
});
