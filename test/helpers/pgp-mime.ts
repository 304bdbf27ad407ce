/**
 * A PGP/MIME (RFC 3156) mail as clients such as Thunderbird write it, around an armoured OpenPGP
 * message: written out by hand here, not with cvdesk's own builder, so that the intake is tested
 * against the format rather than against itself.
 */
export function pgpMimeMail(headers: { from: string; to: string; subject: string; messageId: string }, armoured: string): string {
  const boundary = `enc-${Math.random().toString(36).slice(2)}`;
  return [
    `From: ${headers.from}`,
    `To: ${headers.to}`,
    `Subject: ${headers.subject}`,
    `Message-ID: ${headers.messageId}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="${boundary}"`,
    '',
    'This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)',
    `--${boundary}`,
    'Content-Type: application/pgp-encrypted',
    'Content-Description: PGP/MIME version identification',
    '',
    'Version: 1',
    '',
    `--${boundary}`,
    'Content-Type: application/octet-stream; name="encrypted.asc"',
    'Content-Description: OpenPGP encrypted message',
    'Content-Disposition: inline; filename="encrypted.asc"',
    '',
    armoured.trim(),
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
