#!/usr/bin/env node
// CSAF 2.0 rendering and validation, 1,000 advisories, against a baseline measured in the same
// run on the same documents, so the ratio means something wherever it runs:
//   cvdesk      normaliseContent (the draft checks: CVSS scored, CWE looked up, ranges checked)
//               + buildCsafDocument + serialise + the CSAF validator (strict schema + every
//               mandatory test): what publishing an advisory costs, minus the database
//   validator   @secvisogram/csaf-validator-lib alone (strict schema + mandatory tests) on the
//               already rendered documents: the floor, since every published document must pass it
// Rounds alternate between the two, so load elsewhere on the machine hits them alike.
// Target: cvdesk within 1.5x the validator alone. Run after `npm run build:server`:  node bench/csaf.bench.mjs
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => pathToFileURL(path.join(root, 'dist', 'server', file)).href;
const { normaliseContent } = await import(dist('domain/advisories/advisory.js'));
const { buildCsafDocument, serialiseCsaf } = await import(dist('domain/csaf/csaf-document.js'));
const { csafProblems } = await import(dist('domain/csaf/csaf-validate.js'));

const COUNT = Number(process.env.BENCH_DOCUMENTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CWES = [79, 89, 22, 639, 352, 787, 20, 78, 416, 862];
const VECTORS = ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N', 'CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N'];
const V4 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
const ECOSYSTEMS = ['npm', 'PyPI', 'Maven', 'Go', 'crates.io'];

/** Advisories of realistic size: 1–3 vulnerabilities, 1–4 products with ranges and versions, credits, references. */
function advisory(i) {
  const vulns = 1 + (i % 3);
  const products = 1 + (i % 4);
  return {
    kind: i % 10 === 0 ? 'vex' : 'security_advisory',
    title: `Advisory ${i}: flaw in component ${i % 17}`,
    summary: `A **flaw** in component ${i}. Update to the fixed version.\n\n- detail one\n- detail two`,
    workarounds: i % 2 ? 'Disable the feature in the settings.' : '',
    products: [
      ...Array.from({ length: products }, (_, p) => ({
        vendor: `Vendor ${i % 5}`,
        product: `product-${i}-${p}`,
        ecosystem: ECOSYSTEMS[(i + p) % ECOSYSTEMS.length],
        packageName: `pkg-${i}-${p}`,
        purl: `pkg:npm/pkg-${i}-${p}`,
        ranges: [{ type: 'SEMVER', introduced: `1.${p}.0`, fixed: `1.${p}.${5 + (i % 7)}` }, ...(p % 2 ? [{ type: 'SEMVER', introduced: '2.0.0', lastAffected: `2.${i % 4}.1` }] : [])],
        versions: i % 3 ? [`0.${p}.9`] : [],
      })),
      ...(i % 10 === 0 ? [{ vendor: `Vendor ${i % 5}`, product: `other-${i}`, status: 'not_affected', justification: 'vulnerable_code_not_present' }] : []),
    ],
    vulnerabilities: Array.from({ length: vulns }, (_, v) => ({
      title: `Vulnerability ${v}`,
      description: `What goes wrong in case ${v}, and why.`,
      cve: `CVE-2026-${String(100_000 + i * 3 + v)}`,
      cwes: [CWES[(i + v) % CWES.length]],
      cvss: v % 2 ? [VECTORS[(i + v) % VECTORS.length], V4] : [VECTORS[(i + v) % VECTORS.length]],
    })),
    references: [{ url: `https://vendor.example/advisories/${i}`, summary: 'Vendor advisory' }],
    credits: i % 4 ? [{ name: `researcher-${i}`, kind: 'person', consent: true }] : [{ name: 'Security Research — Scout', kind: 'system', consent: true }],
  };
}

const META = (i) => ({
  trackingId: `ADV-2026-${String(i + 1).padStart(4, '0')}`,
  publisherName: 'Bench Org',
  publicUrl: 'https://cvd.example.org',
  status: 'final',
  revisions: [{ number: 1, date: '2026-11-28T00:00:00.000Z', summary: 'Initial public release' }],
  initialReleaseDate: '2026-11-28T00:00:00.000Z',
  currentReleaseDate: '2026-11-28T00:00:00.000Z',
  generator: { version: 'bench', date: '2026-11-28T00:00:00.000Z' },
});

const inputs = Array.from({ length: COUNT }, (_, i) => advisory(i));

async function renderAndValidate() {
  let bytes = 0;
  for (let i = 0; i < inputs.length; i += 1) {
    const content = normaliseContent(inputs[i], { allowHttp: false });
    const document = buildCsafDocument(content, META(i));
    bytes += serialiseCsaf(document).length;
    const problems = await csafProblems(document);
    if (problems.length) throw new Error(`document ${i} is not valid CSAF: ${JSON.stringify(problems[0])}`);
  }
  return bytes;
}

const rendered = inputs.map((input, i) => buildCsafDocument(normaliseContent(input, { allowHttp: false }), META(i)));
async function validatorAlone() {
  for (const document of rendered) await csafProblems(document);
}

async function time(work) {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

// Warm up both paths (JIT, the validator's compiled schema).
for (let i = 0; i < 50; i += 1) await csafProblems(rendered[i]);
const cvdesk = [];
const validator = [];
let bytes = 0;
for (let round = 0; round < ROUNDS; round += 1) {
  validator.push(await time(validatorAlone));
  const started = performance.now();
  bytes = await renderAndValidate();
  cvdesk.push(performance.now() - started);
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const perDoc = (ms) => ms / COUNT;
const c = median(cvdesk);
const v = median(validator);
console.log(`CSAF: ${COUNT} advisories, ${ROUNDS} rounds (median), ${(bytes / COUNT / 1024).toFixed(1)} KiB per document`);
console.log(`  cvdesk render + validate   ${perDoc(c).toFixed(3)} ms/document  (${(COUNT / (c / 1000)).toFixed(0)} documents/s)`);
console.log(`  validator alone            ${perDoc(v).toFixed(3)} ms/document  (${(COUNT / (v / 1000)).toFixed(0)} documents/s)`);
console.log(`  ratio cvdesk / validator   ${(c / v).toFixed(2)}x  (target <= 1.5x: rendering costs little beside validation)`);
