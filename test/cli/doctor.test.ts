import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliEnvironment } from '../helpers/cli.js';
import { DIALECTS } from '../helpers/databases.js';

interface Finding {
  check: string;
  status: 'ok' | 'warn' | 'fail';
  message: string;
}

describe.each(DIALECTS)('cvdesk doctor on %s', (engine) => {
  const { cli, environment } = useCliEnvironment(engine);

  const doctor = async () => {
    const run = await cli(['doctor', '--json']);
    return { code: run.code, findings: JSON.parse(run.out) as Finding[] };
  };

  it('warns while case notices would go out unsigned, says how to make the key, and keeps the exit status', async () => {
    // Doctor looks at keys only on a migrated database.
    expect((await cli(['migrate'])).code).toBe(0);
    const before = await doctor();
    expect(before.findings.find((f) => f.check === 'notice-signing key')).toEqual({
      check: 'notice-signing key',
      status: 'warn',
      message: expect.stringMatching(/^none: case notices to vendors go out unsigned; make one with cvdesk keys notice-signing-key rotate /),
    });
    // A warning never fails doctor: only a failed check does.
    expect(before.code).toBe(before.findings.some((f) => f.status === 'fail') ? 1 : 0);

    const text = await cli(['doctor']);
    expect(text.out).toMatch(/^warn {2}notice-signing key: none: case notices to vendors go out unsigned; make one with cvdesk keys notice-signing-key rotate/m);
    expect(text.code).toBe(before.code);

    const made = await cli(['keys', 'notice-signing-key', 'rotate', '--json']);
    expect(made.code, made.err).toBe(0);
    const { fingerprint } = JSON.parse(made.out) as { fingerprint: string };
    const after = await doctor();
    expect(after.findings.find((f) => f.check === 'notice-signing key')).toEqual({ check: 'notice-signing key', status: 'ok', message: `case notices are signed with ${fingerprint}` });
    expect(after.code).toBe(before.code);

    // The database restored without its master key: the key cannot be unsealed, notices would fail.
    expect(environment().config.masterKey).toBeUndefined();
    const file = path.join(environment().dataDir, 'master.key');
    const original = fs.readFileSync(file);
    try {
      fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
      const restored = await doctor();
      expect(restored.findings.find((f) => f.check === 'notice-signing key')).toEqual({
        check: 'notice-signing key',
        status: 'fail',
        message: expect.stringMatching(new RegExp(`^${fingerprint} cannot be unsealed with this master key, so notices cannot be sent`)),
      });
      expect(restored.code).toBe(1);
    } finally {
      fs.writeFileSync(file, original, { mode: 0o600 });
    }
  });
});
