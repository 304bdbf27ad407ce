import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../src/shared/errors.js';
import { generateOpenApi } from '../src/server/openapi.js';

const read = (file: string) => fs.readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');

describe('documentation stays true', () => {
  it('lists every error code with its status in docs/errors.md', () => {
    const doc = read('docs/errors.md');
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      expect(doc, `docs/errors.md is missing ${code}`).toMatch(new RegExp(`\\| \`${code}\` \\| ${status} \\|`));
    }
  });

  it('documents every environment variable the configuration reads', () => {
    const source = read('src/config/config.ts');
    const names = new Set([...source.matchAll(/env(?:\.|, ')([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!));
    expect(names.size).toBeGreaterThan(10);
    const doc = read('docs/configuration.md');
    for (const name of names) expect(doc, `docs/configuration.md is missing ${name}`).toContain(`\`${name}\``);
  });

  it('has a committed docs/openapi.json equal to what the routes generate (npm run openapi)', async () => {
    const committed = JSON.parse(read('docs/openapi.json')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(await generateOpenApi())));
  });
});
