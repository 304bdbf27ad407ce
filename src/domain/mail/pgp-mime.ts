import { encode as encodeQuotedPrintable, wrap as wrapQuotedPrintable } from 'nodemailer/lib/qp';

/**
 * PGP/MIME (RFC 3156) message bodies, and whole messages built around them. The OpenPGP work is
 * the caller's: this module only lays out bytes. Parts that are signed or encrypted are built
 * here byte for byte (CRLF line endings, 7-bit quoted-printable text) and passed through to the
 * wire untouched, because a signature covers exactly those bytes (RFC 3156 section 5).
 */

/** A multipart body: its Content-Type (no boundary: the builder adds it) and its parts, raw. */
export interface MultipartBody {
  contentType: string;
  parts: Buffer[];
}

/** CRLF line endings throughout: the canonical form of a MIME entity (RFC 3156 section 5, rule 1). */
export function canonicalLines(text: string): string {
  return text.replace(/\r\n?|\n/g, '\r\n');
}

/**
 * A complete text/plain MIME entity in canonical form: UTF-8 in quoted-printable (7-bit, so no
 * relay recodes it), lines starting "From " escaped (mbox tools mangle them), ending in CRLF.
 * `protectedSubject` puts the real subject inside the entity (the "protected headers" convention
 * that Thunderbird and others show), for a message whose outer Subject is deliberately neutral.
 */
export function textEntity(text: string, protectedSubject?: string): Buffer {
  const body = wrapQuotedPrintable(encodeQuotedPrintable(canonicalLines(text.endsWith('\n') ? text : `${text}\n`)), 76).replace(/^From /gm, '=46rom ');
  const headers = [`Content-Type: text/plain; charset=utf-8${protectedSubject === undefined ? '' : '; protected-headers="v1"'}`, 'Content-Transfer-Encoding: quoted-printable'];
  if (protectedSubject !== undefined) {
    if (/[^\x20-\x7e]/.test(protectedSubject)) throw new Error('a protected subject must be printable ASCII');
    headers.push(`Subject: ${protectedSubject}`);
  }
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`, 'utf8');
}

/** RFC 3156 section 4: the version part and the armoured OpenPGP message (of an encrypted MIME entity). */
export function encryptedBody(armouredMessage: string): MultipartBody {
  return {
    contentType: 'multipart/encrypted; protocol="application/pgp-encrypted"',
    parts: [
      Buffer.from('Content-Type: application/pgp-encrypted\r\nContent-Description: PGP/MIME version identification\r\n\r\nVersion: 1\r\n'),
      Buffer.from(`Content-Type: application/octet-stream; name="encrypted.asc"\r\nContent-Description: OpenPGP encrypted message\r\nContent-Disposition: inline; filename="encrypted.asc"\r\n\r\n${canonicalLines(armouredMessage.trimEnd())}\r\n`),
    ],
  };
}

/** RFC 3156 section 5: the signed entity as it is, then its detached armoured signature. */
export function signedBody(entity: Buffer, armouredSignature: string, micalg: string): MultipartBody {
  return {
    contentType: `multipart/signed; protocol="application/pgp-signature"; micalg=${micalg}`,
    parts: [entity, Buffer.from(`Content-Type: application/pgp-signature; name="signature.asc"\r\nContent-Description: OpenPGP digital signature\r\nContent-Disposition: attachment; filename="signature.asc"\r\n\r\n${canonicalLines(armouredSignature.trimEnd())}\r\n`)],
  };
}

export interface MessageHeaders {
  from: string;
  to: string;
  replyTo?: string | undefined;
  subject: string;
  /** With angle brackets. */
  messageId: string;
  date: Date;
  /** Further headers (X-…), values on one line. */
  extra?: Record<string, string> | undefined;
}

/**
 * The whole message, ready for SMTP: nodemailer's MIME builder writes and encodes the headers
 * and the boundaries; the parts go out exactly as given. A plain text body is left to nodemailer.
 */
export async function buildMessage(headers: MessageHeaders, body: MultipartBody | { text: string }): Promise<Buffer> {
  const { default: MimeNode } = await import('nodemailer/lib/mime-node');
  const root = 'text' in body ? new MimeNode('text/plain') : new MimeNode(body.contentType);
  root.setHeader({ From: headers.from, To: headers.to, Subject: headers.subject, 'Message-ID': headers.messageId, Date: headers.date });
  if (headers.replyTo) root.setHeader('Reply-To', headers.replyTo);
  for (const [key, value] of Object.entries(headers.extra ?? {})) root.setHeader(key, value);
  if ('text' in body) {
    root.setContent(body.text);
  } else {
    for (const part of body.parts) root.createChild('application/octet-stream').setRaw(part);
  }
  return root.build();
}
