import { describe, test } from 'vitest';
import { ANONYMOUS, systemActor } from '../../src/domain/auth/actor.js';
import { submitIncident } from '../../src/domain/incidents/incident.service.js';
import { addKey, prepareGeneratedKey } from '../../src/domain/keys/keys.service.js';
import { inTransaction } from '../../src/server/transaction.js';
import { addOrganisationKey, currentPublicKey, encryptTo, ORG_PASSPHRASE, packReport } from '../server/incidents.support.js';
import { pwExpect, setupE2E, signIn } from './helpers.js';

/**
 * After a rotation with a new passphrase, a report sent to the previous key needs that key's own
 * passphrase: the page says which key stayed locked and takes its passphrase too, rather than
 * failing silently with "could not be decrypted".
 */
const e2e = setupE2E();
const NEW_PASSPHRASE = 'the rotated key has a passphrase of its own';

describe('sealed incidents after a key rotation with a new passphrase', () => {
  test('the page names the previous key that stayed locked and opens it with its own passphrase', async () => {
    const previous = await addOrganisationKey(e2e.context);
    const canary = `rotated-${process.pid}-${Date.now()}`;
    const sent = await submitIncident(e2e.context, ANONYMOUS, {
      message: await encryptTo(await currentPublicKey(e2e.context), packReport({ title: 'Sent before the rotation', description: canary })),
      acceptUnconditional: true,
      contact: { method: 'none' },
    });
    const prepared = await prepareGeneratedKey(e2e.context, systemActor('test'), { name: 'Example Security Team', email: 'security@example.org', passphrase: NEW_PASSPHRASE });
    await inTransaction(e2e.context, (trx) => addKey(e2e.context, trx, systemActor('test'), prepared));

    const triager = await e2e.user(['triager']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await page.goto(`/incidents/${sent.row.id}`);
    await page.getByLabel('Key passphrase').fill(NEW_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock and decrypt' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'did not open' });
    await pwExpect(notice).toContainText(`the previous key ${previous.fingerprint.slice(-16)}`);
    await pwExpect(page.getByText(canary)).toHaveCount(0);
    await page.getByLabel('Key passphrase').fill(ORG_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock and decrypt' }).click();
    await pwExpect(page.getByText(canary)).toBeVisible();
    await pwExpect(notice).toHaveCount(0);
  });
});
