import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

// `cvdesk cvss` needs no database, so unlike test/cli/cli.test.ts this runs once, not per engine.

interface Run {
  code: number;
  out: string;
  err: string;
  /** stdout parsed as JSON lines. */
  readonly lines: Record<string, unknown>[];
}

async function cli(args: string[], stdin = ''): Promise<Run> {
  let out = '';
  let err = '';
  let stdinRead = false;
  const io: CliIO = {
    out: (t) => (out += t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => (err += t.endsWith('\n') ? t : `${t}\n`),
    readStdin: async () => {
      stdinRead = true;
      return stdin;
    },
  };
  const code = await runCli(args, io);
  if (args.length > 1) expect(stdinRead, 'stdin is not read when vectors are arguments').toBe(false);
  return {
    code,
    out,
    err,
    get lines() {
      return out.trim() ? out.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) : [];
    },
  };
}

const V31 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const V40 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';

describe('cvdesk cvss', () => {
  it('scores vectors given as arguments, one JSON line each, exit 0', async () => {
    const run = await cli(['cvss', V31, V40]);
    expect(run.code, run.err).toBe(0);
    expect(run.lines).toEqual([
      { vector: V31, version: '3.1', score: 9.8, severity: 'Critical' },
      { vector: V40, version: '4.0', score: 9.3, severity: 'Critical' },
    ]);
    expect(run.err).toBe('');
  });

  it('prints the normalised vector: specification order, X values left out', async () => {
    const run = await cli(['cvss', 'CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N/E:X']);
    expect(run.lines).toEqual([{ vector: V31, version: '3.1', score: 9.8, severity: 'Critical' }]);
  });

  it('reads one vector per line from stdin when none are given, ignoring blank lines', async () => {
    const stdin = `${V31}\n\n   \r\nCVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C\r\n  CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U  \n`;
    const run = await cli(['cvss'], stdin);
    expect(run.code, run.err).toBe(0);
    expect(run.lines).toEqual([
      { vector: V31, version: '3.1', score: 9.8, severity: 'Critical' },
      { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C', version: '3.1', score: 8.5, severity: 'High' },
      { vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U', version: '4.0', score: 9.1, severity: 'Critical' },
    ]);
  });

  it('prints an error line naming the bad metric, carries on, and exits 1 at the end', async () => {
    const bad = 'CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
    const run = await cli(['cvss'], `${bad}\n${V31}\nCVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N\n`);
    expect(run.code).toBe(1);
    expect(run.lines).toHaveLength(3);
    expect(run.lines[0]).toEqual({ vector: bad, error: expect.stringContaining('AV:Q is not a valid value for AV') });
    expect(run.lines[1]).toEqual({ vector: V31, version: '3.1', score: 9.8, severity: 'Critical' });
    expect(run.lines[2]).toEqual({ vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N', error: expect.stringContaining('the base metric SA (Subsequent System Availability) is missing') });
    expect(Object.keys(run.lines[0]!)).toEqual(['vector', 'error']);
  });

  it('names duplicate and out-of-order metrics', async () => {
    const run = await cli(['cvss', 'CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N']);
    expect(run.code).toBe(1);
    expect(run.lines[0]!.error).toMatch(/AV appears more than once/);
    expect(run.lines[1]!.error).toMatch(/VI is out of order/);
  });

  it('scores CVSS 3.0 vectors as 3.0', async () => {
    const run = await cli(['cvss', 'CVSS:3.0/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H/E:H/RL:U/RC:U']);
    expect(run.lines).toEqual([{ vector: 'CVSS:3.0/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H/E:H/RL:U/RC:U', version: '3.0', score: 4.7, severity: 'Medium' }]);
  });

  it('exits 2 with a message when stdin holds no vectors', async () => {
    const run = await cli(['cvss'], '\n  \n');
    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err).toMatch(/no vectors/);
  });

  it('is listed in the help', async () => {
    const run = await cli(['cvss', '--help']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/score CVSS vectors/);
  });
});
