import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { useCliEnvironment } from '../helpers/cli.js';
import { GpgHome } from '../helpers/gpg.js';

describe.each(DIALECTS)('cvdesk keys notice-signing-key on %s', (engine) => {
  const { cli } = useCliEnvironment(engine);

  it('makes, lists, exports and rotates the key case notices are signed with', async () => {
    expect(await cli(['keys', 'notice-signing-key', 'list'])).toMatchObject({ code: 0, out: '(no notice-signing key: notices go out unsigned)\n' });
    expect((await cli(['keys', 'notice-signing-key', 'export'])).code).toBe(1);
    expect((await cli(['keys', 'notice-signing-key', 'rotate', '--revoke-previous', 'no key yet'])).code).toBe(1);

    const made = await cli(['keys', 'notice-signing-key', 'rotate', '--json']);
    expect(made.code, made.err).toBe(0);
    const first = JSON.parse(made.out);
    expect(first).toMatchObject({ status: 'current', uid: expect.stringMatching(/ case notices <security@[^<>]+>$/) });

    const rotated = await cli(['keys', 'notice-signing-key', 'rotate', '--revoke-previous', 'laptop lost']);
    expect(rotated.code, rotated.err).toBe(0);
    expect(rotated.out).toContain(`${first.fingerprint} is revoked`);
    const listed = await cli(['keys', 'notice-signing-key', 'list']);
    const lines = listed.out.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^[0-9A-F]{40}\tcurrent\t/);
    expect(lines[1]).toMatch(new RegExp(`^${first.fingerprint}\\trevoked\\t.*revoked \\d{4}-\\d{2}-\\d{2}: laptop lost$`));

    const exported = await cli(['keys', 'notice-signing-key', 'export']);
    expect(exported.out).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    expect(exported.out).not.toContain('PRIVATE');
    // The CRC-24 line: without it GnuPG 2.2 misreads armour whose base64 ends unpadded (dev.gnupg.org T7071).
    expect(exported.out).toMatch(/\n=[A-Za-z0-9+/]{4}\n-----END PGP PUBLIC KEY BLOCK-----\n$/);
    const gpg = new GpgHome();
    try {
      gpg.ok(['--import'], exported.out);
      const keys = gpg.listKeys();
      expect(keys).toHaveLength(2);
      expect(keys.find((k) => k.fingerprint === first.fingerprint)?.validity).toBe('r');
    } finally {
      gpg.destroy();
    }
  });
});
