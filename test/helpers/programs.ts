import type { AppContext } from '../../src/context.js';
import { systemActor } from '../../src/domain/auth/actor.js';
import { createProgram } from '../../src/domain/programs/program.service.js';
import type { ProgramInput, ProgramRow } from '../../src/domain/programs/program.js';
import { inTransaction } from '../../src/server/transaction.js';

let sequence = 0;

/** A bounty programme with a tiered scope, one out-of-scope asset and an out-of-scope category. */
export function programInput(overrides: Partial<ProgramInput> = {}): ProgramInput {
  return {
    slug: `acme-${++sequence}-${Date.now().toString(36)}`,
    name: 'Acme Bug Bounty',
    kind: 'bounty',
    policy: '# Acme policy\n\nTest only your own accounts.',
    scope: [
      { kind: 'domain', identifier: 'app.acme.example', tier: 1, inScope: true, description: 'The main web app' },
      { kind: 'api', identifier: 'https://api.acme.example', tier: 2, inScope: true },
      { kind: 'domain', identifier: 'blog.acme.example', tier: 3, inScope: false, description: 'Hosted by a third party' },
    ],
    exclusions: [{ name: 'Model jailbreaks and harmful outputs', description: 'Use the model feedback form', redirectUrl: 'https://acme.example/model-feedback' }],
    rewards: { currency: 'USD', ranges: [{ tier: 1, severity: 'critical', min: 5000, max: 20000 }, { tier: 1, severity: 'high', min: 1000, max: 5000 }] },
    responseTargets: { firstResponse: { value: 2, unit: 'days' }, triage: { value: 5, unit: 'days' } },
    ...overrides,
  };
}

export function buildProgram(context: AppContext, overrides: Partial<ProgramInput> = {}): Promise<ProgramRow> {
  return inTransaction(context, (trx) => createProgram(context, trx, systemActor('test'), programInput(overrides)));
}
