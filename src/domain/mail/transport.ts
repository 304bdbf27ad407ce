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
  // nodemailer is loaded on first send: most starts never mail, and start-up time counts.
  let transporter: Promise<Transporter> | undefined;
  const connect = async () => {
    const { default: nodemailer } = await import('nodemailer');
    return nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 });
  };
  return {
    async send(message) {
      transporter ??= connect();
      await (await transporter).sendMail(message);
    },
  };
}
