import { describe, expect, it } from 'vitest';
import { systemActor } from '../../src/domain/auth/actor.js';
import { createAdvisory } from '../../src/domain/advisories/advisory.service.js';
import { addKey, prepareGeneratedKey } from '../../src/domain/keys/keys.service.js';
import { createContext } from '../../src/context.js';
import { inTransaction } from '../../src/server/transaction.js';
import { useCliEnvironment } from '../helpers/cli.js';
import { DIALECTS } from '../helpers/databases.js';
import { sampleContent } from './advisories.support.js';

const PASSPHRASE = 'the operators passphrase, long enough';

/** `cvdesk advisories list | publish | sign`: the same services as the API, as the operator. */
describe.each(DIALECTS)('cvdesk advisories commands on %s', (engine) => {
  const { cli, environment } = useCliEnvironment(engine);

  it('publishes a draft and signs the CSAF documents with the passphrase from standard input only', async () => {
    const context = await createContext(environment().config);
    const operator = systemActor('test');
    let id: string;
    try {
      id = (await inTransaction(context, (trx) => createAdvisory(context, trx, operator, { content: sampleContent() }))).tracking_id;
      const prepared = await prepareGeneratedKey(context, operator, { name: 'Example Security', email: 'security@example.org', passphrase: PASSPHRASE });
      await inTransaction(context, (trx) => addKey(context, trx, operator, prepared));
    } finally {
      await context.close();
    }
    const incomplete = await cli(['advisories', 'publish', 'ADV-1999-0001']);
    expect(incomplete.code).toBe(1);
    expect(incomplete.err).toContain('Advisory was not found');
    const published = await cli(['advisories', 'publish', id, '--json']);
    expect(published.code, published.err).toBe(0);
    expect(JSON.parse(published.out)).toEqual({ id, revision: 1 });
    expect((await cli(['advisories', 'list'])).out).toContain('1 published CSAF document(s) not signed by the current key');
    expect((await cli(['advisories', 'sign'])).code).toBe(2);
    const wrong = await cli(['advisories', 'sign', '--passphrase-stdin'], 'not the passphrase\n');
    expect(wrong.code).toBe(1);
    const signed = await cli(['advisories', 'sign', '--passphrase-stdin', '--json'], `${PASSPHRASE}\n`);
    expect(signed.code, signed.err).toBe(0);
    expect(JSON.parse(signed.out)).toEqual({ signed: [id] });
    const list = JSON.parse((await cli(['advisories', 'list', '--json'])).out);
    expect(list).toMatchObject({ items: [{ id, state: 'published' }], unsignedCsafDocuments: 0 });
  });
});
