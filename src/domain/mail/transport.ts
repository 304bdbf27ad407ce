import type { Transporter } from 'nodemailer';

export interface OutgoingMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** Stable per outbox row, so a copy sent twice after a crash can be recognised. */
  messageId: string;
}

/** The one thing the mail job needs from SMTP; a seam for tests that want no server. */
export interface MailTransport {
  send(message: OutgoingMessage): Promise<void>;
}

/**
 * SMTP through nodemailer, from `SMTP_URL` (smtp:// or smtps://, credentials and options in the URL).
 * Time-outs are shorter than nodemailer's (minutes) so a hung server fails the attempt well
 * inside the job's lease instead of outliving it.
 */
export function createSmtpTransport(smtpUrl: string): MailTransport {
  const transporter = lazySmtpTransporter(smtpUrl);
  return {
    async send(message) {
      await (await transporter()).sendMail(message);
    },
  };
}

/**
 * nodemailer's transporter for `smtpUrl` with those time-outs, made on first call (nodemailer is
 * loaded then: most starts never mail, and start-up time counts). Case notices send through it too.
 */
export function lazySmtpTransporter(smtpUrl: string): () => Promise<Transporter> {
  let transporter: Promise<Transporter> | undefined;
  return () =>
    (transporter ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 })));
}
