import * as openpgp from 'openpgp';
import type { AppContext } from '../../src/context.js';
import { systemActor } from '../../src/domain/auth/actor.js';
import { readCiphertext, storeCiphertext } from '../../src/domain/incidents/incident-store.js';
import { addKey, prepareGeneratedKey } from '../../src/domain/keys/keys.service.js';
import type { KeyView } from '../../src/domain/keys/keys.js';
import { inTransaction } from '../../src/server/transaction.js';

/** Helpers for the sealed-incident tests (and the authorisation matrix's incident fixture). */

export const ORG_PASSPHRASE = 'incident test passphrase, long enough';

/** Generates an organisation key (it becomes current) the way a lead would. */
export async function addOrganisationKey(context: AppContext, email = 'security@example.org'): Promise<KeyView> {
  const prepared = await prepareGeneratedKey(context, systemActor('test'), { name: 'Example Security Team', email, passphrase: ORG_PASSPHRASE });
  return inTransaction(context, (trx) => addKey(context, trx, systemActor('test'), prepared));
}

export async function currentPublicKey(context: AppContext): Promise<string> {
  return (await context.db.selectFrom('openpgp_keys').select('public_key').where('status', '=', 'current').executeTakeFirstOrThrow()).public_key;
}

/** Encrypts `text` to armoured public keys, as the /report page does with OpenPGP.js. */
export async function encryptTo(armoredKeys: string | string[], text: string): Promise<string> {
  const encryptionKeys = await Promise.all([armoredKeys].flat().map((armoredKey) => openpgp.readKey({ armoredKey })));
  return (await openpgp.encrypt({ message: await openpgp.createMessage({ text }), encryptionKeys })) as string;
}

/** Decrypts with the stored (passphrase-protected) private key, unlocked here as the browser would. */
export async function decryptWithStoredKey(armoredPrivateKey: string, armoredMessage: string, passphrase = ORG_PASSPHRASE): Promise<string> {
  const privateKey = await openpgp.decryptKey({ privateKey: await openpgp.readPrivateKey({ armoredKey: armoredPrivateKey }), passphrase });
  const { data } = await openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage }), decryptionKeys: privateKey });
  return data as string;
}

/**
 * The plaintext the /report page encrypts (docs/incidents.md, "What is inside the encryption"):
 * one JSON document with the fields and the files.
 */
export function packReport(fields: { title: string; description: string; [key: string]: unknown }, files: { name: string; type: string; content: Buffer }[] = []): string {
  return JSON.stringify({
    format: 'cvdesk-incident/1',
    fields,
    files: files.map((file) => ({ name: file.name, type: file.type, size: file.content.length, data: file.content.toString('base64') })),
  });
}

/** A reporter key pair for encrypted replies. */
export async function reporterKeyPair(passphrase?: string, date?: Date) {
  return openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'Reporter', email: 'reporter@example.net' }],
    ...(passphrase ? { passphrase } : {}),
    ...(date ? { date } : {}),
    format: 'armored',
  });
}

/**
 * An incident owned by `reporterId`, written straight into the tables (no organisation key
 * needed): for tests about who may see it, not about its content.
 */
export async function plantIncident(context: AppContext, reporterId: string | null): Promise<string> {
  const id = globalThis.crypto.randomUUID();
  const now = context.clock.now().toISOString();
  await context.db
    .insertInto('incidents')
    .values({
      id,
      program_id: null,
      reporter_id: reporterId,
      source: 'web',
      state: 'new',
      received_at: now,
      size: 64,
      encrypted_to: '[]',
      contact_method: 'none',
      contact_email: null,
      contact_public_key: null,
      reply_key: null,
      accepted_at: now,
      terms_version: 1,
      program_policy_version: null,
      acknowledged_at: null,
      acknowledged_by: null,
      alarm_count: 0,
      last_alarm_at: null,
      next_alarm_at: null,
      closed_at: null,
      closed_by: null,
      unsealed_at: null,
      unsealed_by: null,
      report_id: null,
      retention_warned_at: null,
      last_message_at: now,
      updated_at: now,
    })
    .execute();
  await context.db
    .insertInto('incident_messages')
    .values({ id: globalThis.crypto.randomUUID(), incident_id: id, author: 'reporter', author_id: reporterId, storage_key: await storeCiphertext(context, Buffer.from('-----BEGIN PGP MESSAGE-----\n\n-----END PGP MESSAGE-----\n')), size: 64, created_at: now })
    .execute();
  return id;
}

/** An incident's messages in order, each with its ciphertext read back from the store. */
export async function storedMessages(context: AppContext, incidentId: string) {
  const rows = await context.db.selectFrom('incident_messages').selectAll().where('incident_id', '=', incidentId).orderBy('created_at').orderBy('id').execute();
  return Promise.all(rows.map(async (row) => ({ ...row, body: await readCiphertext(context, row.storage_key) })));
}
