import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Real GnuPG, for interoperability tests. Each GpgHome is a throw-away --homedir. */
export const GPG = process.env.GPG ?? '/usr/bin/gpg';

export interface GpgRun {
  status: number;
  stdout: string;
  stderr: string;
}

export interface GpgKeyListing {
  fingerprint: string;
  /** Colon-listing validity of the primary key: `r` revoked, `e` expired, `-`/`u`/`f` … usable. */
  validity: string;
  algorithm: string;
  uids: string[];
  subkeys: { algorithm: string; capabilities: string; validity: string }[];
}

export class GpgHome {
  readonly dir: string;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvd-gpg-'));
    fs.chmodSync(this.dir, 0o700);
  }

  run(args: string[], input?: string): GpgRun {
    const result = spawnSync(GPG, ['--homedir', this.dir, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--trust-model', 'always', ...args], {
      input,
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (result.error) throw result.error;
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** Runs gpg and throws with its stderr when it fails. */
  ok(args: string[], input?: string): string {
    const run = this.run(args, input);
    if (run.status !== 0) throw new Error(`gpg ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
    return run.stdout;
  }

  importKey(armored: string): GpgRun {
    return this.run(['--import'], armored);
  }

  listKeys(): GpgKeyListing[] {
    const keys: GpgKeyListing[] = [];
    let pendingFingerprintFor: 'pub' | 'sub' | undefined;
    for (const line of this.ok(['--list-keys', '--with-colons', '--fixed-list-mode']).split('\n')) {
      const fields = line.split(':');
      const [type] = fields;
      if (type === 'pub') {
        keys.push({ fingerprint: '', validity: fields[1]!, algorithm: fields[16] || fields[3]!, uids: [], subkeys: [] });
        pendingFingerprintFor = 'pub';
      } else if (type === 'fpr' && pendingFingerprintFor === 'pub') {
        keys.at(-1)!.fingerprint = fields[9]!;
        pendingFingerprintFor = undefined;
      } else if (type === 'uid') {
        keys.at(-1)!.uids.push(fields[9]!);
      } else if (type === 'sub') {
        keys.at(-1)!.subkeys.push({ algorithm: fields[16] || fields[3]!, capabilities: fields[11]!, validity: fields[1]! });
        pendingFingerprintFor = 'sub';
      }
    }
    return keys;
  }

  /** A new ed25519/cv25519 key made by GnuPG; returns its fingerprint. Empty passphrase: unprotected. */
  generateKey(uid: string, passphrase: string): string {
    this.ok(['--passphrase', passphrase, '--quick-generate-key', uid, 'ed25519', 'sign', '2y']);
    const fingerprint = this.listKeys().find((key) => key.uids.includes(uid))!.fingerprint;
    this.ok(['--passphrase', passphrase, '--quick-add-key', fingerprint, 'cv25519', 'encr', '2y']);
    return fingerprint;
  }

  exportSecretKey(fingerprint: string, passphrase: string): string {
    return this.ok(['--passphrase', passphrase, '--armor', '--export-secret-keys', fingerprint]);
  }

  encryptTo(recipient: string, text: string): string {
    return this.ok(['--armor', '--encrypt', '-r', recipient], text);
  }

  verify(signed: string): GpgRun {
    const file = path.join(this.dir, `verify-${Date.now()}.txt`);
    fs.writeFileSync(file, signed);
    return this.run(['--verify', file]);
  }

  destroy(): void {
    spawnSync('gpgconf', ['--homedir', this.dir, '--kill', 'all'], { timeout: 10_000 });
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
