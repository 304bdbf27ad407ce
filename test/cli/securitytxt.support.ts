/**
 * Test support for security.txt and safe fetching: loopback HTTP(S) servers, a self-signed
 * certificate made by openssl, and OpenPGP keys and signatures made by OpenPGP.js or by GnuPG.
 * Servers listen on 127.0.0.1 (or ::1) only.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface TlsMaterial {
  key: string;
  cert: string;
  dir: string;
}

/** A self-signed certificate for localhost, 127.0.0.1, ::1 and security.example, made with openssl in a temp dir. */
export function makeCertificate(): TlsMaterial {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvdesk-tls-'));
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,DNS:security.example,IP:127.0.0.1,IP:::1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return { key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'), dir };
}

export interface TestServer {
  /** `http(s)://127.0.0.1:PORT` */
  origin: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(handler: http.RequestListener, options: { tls?: TlsMaterial; host?: string } = {}): Promise<TestServer> {
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fresh GnuPG home with an Ed25519 signing key; `clearsign` signs with gpg itself. */
export function makeGnupg(): { clearsign(text: string): string; publicKey: string; close(): void } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cvdesk-gpg-'));
  const gpg = (args: string[], input?: string) =>
    execFileSync('gpg', ['--batch', '--quiet', '--homedir', home, '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] });
  gpg(['--quick-gen-key', 'cvdesk test <security@example.org>', 'ed25519', 'sign', 'never']);
  return {
    clearsign: (text) => gpg(['--clearsign', '--digest-algo', 'SHA256'], text),
    publicKey: gpg(['--armor', '--export', 'security@example.org']),
    close: () => {
      try {
        execFileSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { stdio: 'ignore' });
      } catch {
        // no agent was started
      }
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A minimal valid file whose Expires lies a month after `now`. */
export function minimalFile(now: Date, extra = ''): string {
  const expires = new Date(now.getTime() + 30 * 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `Contact: mailto:security@example.org\nExpires: ${expires}\n${extra}`;
}
