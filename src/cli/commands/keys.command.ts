import fs from 'node:fs';
import type { Command } from 'commander';
import {
  addKey,
  applyRevocation,
  exportCurrentPublicKey,
  listKeys,
  prepareGeneratedKey,
  prepareImportedKey,
  prepareRevocation,
  prepareRotatedKey,
} from '../../domain/keys/keys.service.js';
import { REVOCATION_KINDS, type KeyView, type RevocationKind } from '../../domain/keys/keys.js';
import { listNoticeSigningKeys, NOTICE_SIGNING_KEY_PATH, prepareNoticeSigningKey, publishedNoticeSigningKeys, storeNoticeSigningKey, type NoticeSigningKeyView } from '../../domain/keys/notice-signing.service.js';
import { prepareSecurityTxtSignature, storeSecurityTxtSignature } from '../../domain/keys/security-txt.service.js';
import { inTransaction } from '../../server/transaction.js';
import { CliFailure } from '../failure.js';
import { operator, print, withContext, type CliIO, type GlobalOptions } from '../io.js';

/** The passphrase from standard input (one trailing newline dropped); never from the command line, where `ps` would show it. */
/**
 * The passphrase, from standard input: with --passphrase-stdin, or — where one is required — when
 * standard input is piped (`… | cvdesk keys import FILE`). Never from the command line, where other
 * users of the machine could read it, and never typed visibly at a terminal.
 */
async function passphraseFrom(io: CliIO, options: { passphraseStdin?: boolean }, required: boolean): Promise<string | undefined> {
  if (!options.passphraseStdin && !(required && io.stdinIsPiped?.())) {
    if (required) throw new CliFailure('a passphrase is required: pipe it on standard input (or pass --passphrase-stdin); it is never read from the command line', 2);
    return undefined;
  }
  const passphrase = (await io.readStdin()).replace(/\r?\n$/, '');
  if (!passphrase) throw new CliFailure('no passphrase on standard input', 2);
  return passphrase;
}

function days(value: string): number {
  if (!/^\d+$/.test(value)) throw new CliFailure(`--expires-in-days: expected a whole number, got "${value}"`, 2);
  return Number(value);
}

function describe(key: KeyView): string {
  const expiry = key.expiresAt ? `expires ${key.expiresAt.slice(0, 10)}` : 'no expiry';
  return `${key.fingerprint}\t${key.status}\t${key.algorithm}\t${expiry}\t${key.uid}${key.revokedAt ? `\trevoked ${key.revokedAt.slice(0, 10)}: ${key.revocationReason}` : ''}`;
}

function describeNoticeSigningKey(key: NoticeSigningKeyView): string {
  const ended = key.revokedAt ? `\trevoked ${key.revokedAt.slice(0, 10)}: ${key.revocationReason}` : key.retiredAt ? `\tretired ${key.retiredAt.slice(0, 10)}` : '';
  return `${key.fingerprint}\t${key.status}\tcreated ${key.createdAt.slice(0, 10)}\t${key.uid}${ended}`;
}

export function registerKeysCommands(program: Command, io: CliIO): void {
  const keys = program.command('keys').description("the organisation's OpenPGP keys, the signed security.txt and the notice-signing key (see docs/keys.md)");

  keys
    .command('generate')
    .description('generate an Ed25519/Curve25519 key protected by a passphrase; it becomes the current key (the old one stays as previous)')
    .requiredOption('--name <name>', 'the name in the user ID, e.g. "Example Security Team"')
    .requiredOption('--email <email>', 'the email in the user ID')
    .option('--passphrase-stdin', 'read the passphrase from standard input (required)')
    .option('--expires-in-days <days>', 'validity (default 730)', days)
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions & { name: string; email: string; passphraseStdin?: boolean; expiresInDays?: number }) => {
      const passphrase = (await passphraseFrom(io, options, true))!;
      await withContext(options, async (context) => {
        const actor = operator();
        const prepared = await prepareGeneratedKey(context, actor, { name: options.name, email: options.email, passphrase, expiresInDays: options.expiresInDays });
        const key = await inTransaction(context, (trx) => addKey(context, trx, actor, prepared));
        print(io, options, key, () => `generated ${key.fingerprint} (${key.algorithm}) for ${key.uid}; it is now the current key`);
      });
    });

  keys
    .command('import')
    .description('import an armoured, passphrase-protected private key (gpg --export-secret-keys --armor); it becomes the current key')
    .argument('<file>', 'the armoured private key')
    .option('--passphrase-stdin', "read the key's passphrase from standard input (the default when it is piped)")
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (file: string, options: GlobalOptions & { passphraseStdin?: boolean }) => {
      let armoredKey: string;
      try {
        armoredKey = fs.readFileSync(file, 'utf8');
      } catch (error) {
        throw new CliFailure(`cannot read ${file}: ${(error as Error).message}`);
      }
      const passphrase = (await passphraseFrom(io, options, true))!;
      await withContext(options, async (context) => {
        const actor = operator();
        const prepared = await prepareImportedKey(context, actor, { armoredKey, passphrase });
        const key = await inTransaction(context, (trx) => addKey(context, trx, actor, prepared));
        print(io, options, key, () => `imported ${key.fingerprint} (${key.algorithm}) for ${key.uid}; it is now the current key`);
      });
    });

  keys
    .command('rotate')
    .description('generate a successor to the current key with the same user ID; the old key stays as previous so earlier reports still decrypt')
    .option('--passphrase-stdin', 'read the new key\'s passphrase from standard input (required)')
    .option('--name <name>', "the name (default: the current key's)")
    .option('--email <email>', "the email (default: the current key's)")
    .option('--expires-in-days <days>', 'validity (default 730)', days)
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions & { name?: string; email?: string; passphraseStdin?: boolean; expiresInDays?: number }) => {
      const passphrase = (await passphraseFrom(io, options, true))!;
      await withContext(options, async (context) => {
        const actor = operator();
        const prepared = await prepareRotatedKey(context, context.db, actor, { passphrase, name: options.name, email: options.email, expiresInDays: options.expiresInDays });
        const key = await inTransaction(context, (trx) => addKey(context, trx, actor, prepared));
        print(io, options, key, () => `rotated: ${key.fingerprint} is now the current key; sign security.txt again (cvdesk keys sign-securitytxt)`);
      });
    });

  keys
    .command('export')
    .description('print the current public key, armoured')
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions) => {
      await withContext(options, async (context) => io.out(await exportCurrentPublicKey(context.db)));
    });

  keys
    .command('list')
    .description('list the keys: current, previous, revoked')
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions) => {
      await withContext(options, async (context) => {
        const items = await listKeys(context.db, operator());
        print(io, options, items, () => items.map(describe).join('\n') || '(no keys)');
      });
    });

  keys
    .command('revoke')
    .description('revoke a key; /pgp-key.txt then serves it with its revocation so clients learn of it')
    .argument('<fingerprint>', 'the full fingerprint (spaces allowed)')
    .requiredOption('--reason <text>', 'why, in words (kept in cvdesk; with the passphrase also in the revocation signature)')
    .option('--kind <kind>', `${REVOCATION_KINDS.join(', ')} (other than unspecified needs --passphrase-stdin)`)
    .option('--passphrase-stdin', 'sign a fresh revocation with the key; without it the revocation certificate stored with the key is used')
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (fingerprint: string, options: GlobalOptions & { reason: string; kind?: string; passphraseStdin?: boolean }) => {
      if (options.kind !== undefined && !(REVOCATION_KINDS as readonly string[]).includes(options.kind)) {
        throw new CliFailure(`--kind must be one of ${REVOCATION_KINDS.join(', ')}`, 2);
      }
      const passphrase = await passphraseFrom(io, options, false);
      await withContext(options, async (context) => {
        const actor = operator();
        const prepared = await prepareRevocation(context, context.db, actor, fingerprint, { reason: options.reason, kind: options.kind as RevocationKind | undefined, passphrase });
        const key = await inTransaction(context, (trx) => applyRevocation(context, trx, actor, prepared));
        print(io, options, key, () => `revoked ${key.fingerprint}: ${key.revocationReason}`);
      });
    });

  keys
    .command('sign-securitytxt')
    .description("sign today's security.txt with the current key; served until the settings or the key change or its Expires passes")
    .option('--passphrase-stdin', "read the current key's passphrase from standard input (required)")
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions & { passphraseStdin?: boolean }) => {
      const passphrase = (await passphraseFrom(io, options, true))!;
      await withContext(options, async (context) => {
        const actor = operator();
        const prepared = await prepareSecurityTxtSignature(context, context.db, actor, passphrase);
        const signature = await inTransaction(context, (trx) => storeSecurityTxtSignature(context, trx, actor, prepared));
        print(io, options, signature, () => `security.txt signed with ${signature.fingerprint}; Expires ${signature.expiresAt} — sign again before then`);
      });
    });

  const noticeSigning = keys
    .command('notice-signing-key')
    .description(`the key cvdesk signs case notices with (PGP/MIME), kept sealed with the master key; published at ${NOTICE_SIGNING_KEY_PATH}`);

  noticeSigning
    .command('rotate')
    .description('make a new notice-signing key (the first one too); the old key is retired and stays published so earlier notices still verify')
    .option('--revoke-previous <reason>', 'revoke the old key as compromised, with this reason, instead of retiring it')
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions & { revokePrevious?: string }) => {
      await withContext(options, async (context) => {
        const actor = operator();
        const prepared = await prepareNoticeSigningKey(context, context.db, actor, { revokePrevious: options.revokePrevious });
        const key = await inTransaction(context, (trx) => storeNoticeSigningKey(context, trx, actor, prepared));
        const replaced = prepared.replaces ? `; ${prepared.replaces.fingerprint} is ${prepared.replaces.revokedPublicKey ? 'revoked' : 'retired'}` : '';
        print(io, options, key, () => `notices are now signed with ${key.fingerprint} (${key.uid})${replaced}`);
      });
    });

  noticeSigning
    .command('list')
    .description('list the notice-signing keys: current, retired, revoked')
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions) => {
      await withContext(options, async (context) => {
        const items = await listNoticeSigningKeys(context.db, operator());
        print(io, options, items, () => items.map(describeNoticeSigningKey).join('\n') || '(no notice-signing key: notices go out unsigned)');
      });
    });

  noticeSigning
    .command('export')
    .description(`print the notice-signing public keys, armoured (what ${NOTICE_SIGNING_KEY_PATH} serves)`)
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions) => {
      await withContext(options, async (context) => {
        const text = await publishedNoticeSigningKeys(context.db);
        if (text === null) throw new CliFailure('there is no notice-signing key: make one with cvdesk keys notice-signing-key rotate');
        io.out(text);
      });
    });
}
