#!/usr/bin/env node
// security.txt validation throughput on one core, against baselines measured in the same run on
// the same files, so the ratio means something wherever it runs:
//   cvdesk       validateSecurityTxt(bytes): decode, parse, validate (no signature verification)
//   baseline     bytes → string, split into lines, one regular expression per line into a map:
//                the least a parser could do
//   JSON.parse   of a JSON document of the same size, for scale
// Rounds alternate between the three, so load elsewhere on the machine hits them alike.
// Target: >= 5,000 files/s for cvdesk. Also prints signature verifications/s (OpenPGP.js, Ed25519),
// informational. Run after `npm run build:server`:  node bench/securitytxt.bench.mjs
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => pathToFileURL(path.join(root, 'dist', 'server', file)).href;
const { validateSecurityTxt, checkSecurityTxt } = await import(dist('domain/securitytxt/securitytxt.validator.js'));
const openpgp = await import('openpgp');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const now = new Date('2026-03-01T00:00:00Z');

/** 200 files like those found in the wild: minimal, full, commented, CRLF, with mistakes, signed. */
function corpus() {
  const files = [];
  const signature = ['-----BEGIN PGP SIGNATURE-----', '', ...Array.from({ length: 6 }, (_, i) => `wsFzBAEBCAAnBYJnZ2ZmCRB${'A'.repeat(40)}${i}`), '=AbCd', '-----END PGP SIGNATURE-----'];
  for (let i = 0; i < 200; i++) {
    const host = `vendor${i}.example`;
    const lines = [
      ...(i % 4 === 0 ? ['# Our security policy; see https://' + host + '/security', '# Please encrypt sensitive reports.', ''] : []),
      `Contact: mailto:security@${host}`,
      ...(i % 3 === 0 ? [`Contact: https://${host}/report`, 'Contact: tel:+1-201-555-0123'] : []),
      `Expires: 2026-${String((i % 9) + 4).padStart(2, '0')}-01T00:00:00Z`,
      ...(i % 2 === 0 ? [`Encryption: https://${host}/pgp-key.txt`, 'Encryption: openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f'] : []),
      ...(i % 5 === 0 ? [`Acknowledgments: https://${host}/hall-of-fame`, `Hiring: https://${host}/jobs`] : []),
      `Policy: https://${host}/policy`,
      'Preferred-Languages: en, de-CH, zh-Hant-TW',
      `Canonical: https://${host}/.well-known/security.txt`,
      ...(i % 7 === 0 ? ['Contact : security@' + host, 'Expires: next year', 'X-Bug-Bounty: yes', 'just some text'] : []),
    ];
    const body = i % 6 === 0 ? ['-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA512', '', ...lines, ...signature] : lines;
    const eol = i % 8 === 0 ? '\r\n' : '\n';
    files.push(Buffer.from(body.join(eol) + eol));
  }
  return files;
}

/** Files per second of `work(file)` over the files for `ms` milliseconds. */
function rate(files, work, ms) {
  let count = 0;
  const started = performance.now();
  const end = started + ms;
  while (performance.now() < end) {
    for (const file of files) work(file);
    count += files.length;
  }
  return count / ((performance.now() - started) / 1000);
}

/**
 * Measures the workloads in alternating rounds of 250 ms over SECONDS each, after a warm-up, and
 * keeps each one's median round: a burst of load elsewhere on the machine hits all of them alike.
 */
function measure(files, workloads) {
  for (const work of Object.values(workloads)) rate(files, work, 500);
  const rounds = Object.fromEntries(Object.keys(workloads).map((name) => [name, []]));
  for (let round = 0; round < SECONDS * 4; round++) {
    for (const [name, work] of Object.entries(workloads)) rounds[name].push(rate(files, work, 250));
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return Object.fromEntries(Object.entries(rounds).map(([name, xs]) => [name, median(xs)]));
}

const LINE = /^([A-Za-z0-9-]+):[ \t]*(.*)$/;
function baseline(bytes) {
  const fields = new Map();
  for (const line of bytes.toString('utf8').split('\n')) {
    const match = LINE.exec(line);
    if (match) fields.set(match[1].toLowerCase(), match[2]);
  }
  return fields;
}

const files = corpus();
const bytes = files.reduce((n, f) => n + f.length, 0);
const jsonDocs = files.map((f) => JSON.stringify({ text: f.toString('utf8').slice(0, Math.max(0, f.length - 12)) }));

let sink = 0;
let j = 0;
const { cvdesk, bare, json } = measure(files, {
  cvdesk: (file) => (sink += validateSecurityTxt(file, { now }).errors.length),
  bare: (file) => (sink += baseline(file).size),
  json: () => (sink += JSON.parse(jsonDocs[j++ % jsonDocs.length]).text.length),
});

// Signature verification, informational: a handful of seconds' worth is plenty.
const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'security@example.org' }], format: 'object' });
const signed = await openpgp.sign({ message: await openpgp.createCleartextMessage({ text: files[1].toString('utf8') }), signingKeys: privateKey });
const armoredKey = publicKey.armor();
let verified = 0;
const verifyStarted = performance.now();
while (performance.now() - verifyStarted < 1000) {
  if ((await checkSecurityTxt(signed, { now, verificationKeys: armoredKey })).valid) verified++;
  else throw new Error('the benchmark signature did not verify');
}
const verifyRate = verified / ((performance.now() - verifyStarted) / 1000);

const f = (n) => Math.round(n).toLocaleString('en-US');
console.log(
  [
    `security.txt validation, one core, ${files.length} files (${Math.round(bytes / files.length)} bytes on average), median of ${SECONDS * 4} alternating 250 ms rounds:`,
    `  cvdesk validateSecurityTxt  ${f(cvdesk).padStart(9)} files/s   (target >= 5,000: ${cvdesk >= 5000 ? 'met' : 'NOT MET'})`,
    `  baseline split + regex      ${f(bare).padStart(9)} files/s`,
    `  JSON.parse, same size       ${f(json).padStart(9)} docs/s`,
    `  ratio to split + regex      ${(cvdesk / bare).toFixed(2)}`,
    `  ratio to JSON.parse         ${(cvdesk / json).toFixed(2)}`,
    `  signature verification      ${f(verifyRate).padStart(9)} files/s   (OpenPGP.js, Ed25519; informational)`,
  ].join('\n'),
);
if (sink === -1) console.log(sink);
