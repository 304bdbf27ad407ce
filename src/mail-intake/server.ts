import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { AppContext } from '../context.js';
import { SmtpRefusal, receiveMail, type IntakeOutcome } from './intake.js';

/**
 * The optional SMTP listener for the security mailbox (off unless MAIL_INTAKE_PORT is set):
 * point the mailbox's MX, or a forward, at it. It accepts mail for any recipient (it is not a
 * relay: nothing is ever sent on), without authentication; STARTTLS is offered when
 * TLS_CERT_FILE/TLS_KEY_FILE are set. Limits: MAIL_INTAKE_MAX_BYTES per message (announced with
 * SIZE, 552 above it), MAIL_INTAKE_RATE_PER_MINUTE messages per client address (450 above it),
 * 50 connections at once. What each message becomes: intake.ts. `smtp-server` and `mailparser`
 * are loaded only when the listener starts.
 */
export interface MailIntakeServer {
  port: number;
  host: string;
  stop(): Promise<void>;
}

export interface MailIntakeOptions {
  port?: number;
  host?: string;
  /** Told about each message's outcome (tests, logs). */
  onMessage?: (outcome: IntakeOutcome | { refused: string }) => void;
}

class AddressLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(private readonly max: number) {}
  take(address: string, now: number): boolean {
    const recent = (this.hits.get(address) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= this.max) {
      this.hits.set(address, recent);
      return false;
    }
    recent.push(now);
    this.hits.set(address, recent);
    if (this.hits.size > 10_000) for (const [key, times] of this.hits) if (times.every((t) => t <= now - 60_000)) this.hits.delete(key);
    return true;
  }
}

const refuse = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

export async function startMailIntake(context: AppContext, options: MailIntakeOptions = {}): Promise<MailIntakeServer> {
  const { SMTPServer } = await import('smtp-server');
  const { config } = context;
  const limiter = new AddressLimiter(config.mailIntakeRatePerMinute);
  const tls = config.tlsCertFile && config.tlsKeyFile ? { cert: fs.readFileSync(config.tlsCertFile), key: fs.readFileSync(config.tlsKeyFile) } : undefined;
  const server = new SMTPServer({
    name: new URL(config.publicUrl).hostname,
    banner: 'cvdesk security mailbox',
    size: config.mailIntakeMaxBytes,
    authOptional: true,
    disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(tls ?? {}),
    maxClients: 50,
    socketTimeout: 60_000,
    closeTimeout: 10_000,
    logger: false,
    onMailFrom(_address, session, callback) {
      if (!limiter.take(session.remoteAddress, Date.now())) return callback(refuse(450, '4.7.1 Too many messages from your address; try again in a minute'));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Over the limit smtp-server answers 552 itself; keep nothing of the excess.
        if (size <= config.mailIntakeMaxBytes) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(refuse(552, '5.3.4 Message too big'));
        const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : null;
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        receiveMail(context, { raw: Buffer.concat(chunks), envelopeFrom, recipients }).then(
          (outcome) => {
            options.onMessage?.(outcome);
            callback(null, outcome.kind === 'incident' ? '2.0.0 Received, sealed' : '2.0.0 Received');
          },
          (error: unknown) => {
            const refusal = error instanceof SmtpRefusal ? error : new SmtpRefusal(451, '4.3.0 Temporary failure; try again later');
            options.onMessage?.({ refused: `${refusal.responseCode} ${refusal.message}` });
            if (!(error instanceof SmtpRefusal) && config.logLevel !== 'silent') console.error('[mail intake]', error);
            callback(refuse(refusal.responseCode, refusal.message));
          },
        );
      });
    },
  });
  server.on('error', (error) => {
    if (config.logLevel !== 'silent') console.error('[mail intake]', error);
  });
  const host = options.host ?? config.mailIntakeHost;
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? config.mailIntakePort ?? 0, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    host,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
