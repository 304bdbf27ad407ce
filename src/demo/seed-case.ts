import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppContext } from '../context.js';
import { systemActor, type UserActor } from '../domain/auth/actor.js';
import { createCaseFromDraftGroup, addStaffStatement } from '../domain/cases/case.service.js';
import { recordDecision, transitionCase } from '../domain/cases/case-disclosure.js';
import { sendNotice } from '../domain/cases/case-notices.js';
import { issuePortalLinkAsStaff, openPortal, portalAcknowledge, portalSetStatus, portalStatement } from '../domain/cases/case-portal.js';
import { caseParticipants, caseVulnerabilities } from '../domain/cases/case.repository.js';
import { registerAutomatedSource } from '../domain/findings/automated-sources.js';
import { importFindingsFile } from '../domain/findings/finding-import.js';
import { listCandidates, reviewCandidate } from '../domain/findings/finding.service.js';
import { addVendorKey, createVendor } from '../domain/vendors/vendor.service.js';
import { findUserByEmail } from '../domain/users/user.repository.js';
import { inTransaction } from '../server/transaction.js';
import { seedDemoNoticeSigningKey } from './seed-keys.js';
import { asActor } from './seed-reports.js';

/** The npm package the demo organisation's engineers found flaws in, and its (fictional) maintainer. */
export const DEMO_PACKAGE = {
  purl: 'pkg:npm/fabrikam-tar',
  name: 'fabrikam-tar',
  version: '2.4.0',
  fixed: '2.4.1',
  projectKey: 'pkg:npm/fabrikam-tar',
  // Unpacking a crafted archive (user interaction) overwrites files: code execution.
  cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H',
} as const;
const VENDOR = { name: 'Fabrikam', contact: 'security@fabrikam.example', repository: 'https://github.com/fabrikam/fabrikam-tar' } as const;

const staff = async (context: AppContext, email: string): Promise<UserActor> => {
  const row = await findUserByEmail(context.db, email);
  if (!row) throw new Error(`demo account ${email} is missing`);
  return asActor(row);
};

/**
 * A small SARIF 2.1.0 log as a scanner and an engineer would produce it for fabrikam-tar: two
 * results for one path traversal (a scanner's, and Tomás's manual confirmation with a proof of
 * concept — same CWE and sink, so one candidate), and a ReDoS warning that is a false positive.
 */
export function demoSarif(): object {
  const sink = { physicalLocation: { artifactLocation: { uri: 'lib/extract.js' }, region: { startLine: 88, startColumn: 5 } } };
  const flow = (from: number) => [{ threadFlows: [{ locations: [{ location: { physicalLocation: { artifactLocation: { uri: 'lib/extract.js' }, region: { startLine: from } } } }, { location: sink }] }] }];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'semgrep',
            version: '1.90.0',
            rules: [
              { id: 'js.tar.entry-path-traversal', shortDescription: { text: 'Archive entry path escapes the extraction directory' }, properties: { cwe: 'CWE-22', 'security-severity': '8.1', precision: 'high' } },
              { id: 'js.regex.redos', shortDescription: { text: 'Regular expression with exponential backtracking' }, properties: { cwe: 'CWE-1333', 'security-severity': '5.3', precision: 'low' } },
            ],
          },
        },
        versionControlProvenance: [{ repositoryUri: VENDOR.repository, revisionId: '4f2c9e1d7a3b5c6e8f9a0b1c2d3e4f5a6b7c8d9e' }],
        properties: { purl: `${DEMO_PACKAGE.purl}@${DEMO_PACKAGE.version}`, product: DEMO_PACKAGE.name, versions: [`< ${DEMO_PACKAGE.fixed}`], downloads: 1_200_000 },
        results: [
          {
            ruleId: 'js.tar.entry-path-traversal',
            level: 'error',
            message: { text: 'The entry name from the archive header reaches fs.createWriteStream without normalisation.' },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'lib/extract.js' }, region: { startLine: 61, startColumn: 17 } } }],
            codeFlows: flow(61),
          },
          {
            ruleId: 'js.tar.entry-path-traversal',
            level: 'error',
            message: { text: 'Confirmed by hand: an entry named ../../.bashrc is written outside the target directory (symlink entries too).' },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'lib/extract.js' }, region: { startLine: 72, startColumn: 9 } } }],
            codeFlows: flow(72),
            properties: {
              finder: { kind: 'person', name: 'Tomás Triager', email: 'triager@demo.cvdesk.local' },
              cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:H/A:H',
              impact: 'Extracting a crafted tarball overwrites any file the process can write, e.g. shell start-up files or application code: code execution for anyone who unpacks untrusted archives.',
              reproduction: '1. `npm i fabrikam-tar@2.4.0`\n2. Build a tarball with an entry named `../../.bashrc`\n3. `require("fabrikam-tar").extract("evil.tar", "out/")` writes `~/.bashrc`',
            },
          },
          {
            ruleId: 'js.regex.redos',
            level: 'warning',
            message: { text: 'The pax header pattern /(\\w+=\\w*)+;/ may backtrack exponentially.' },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'lib/header.js' }, region: { startLine: 12, startColumn: 22 } } }],
          },
        ],
      },
    ],
  };
}

/**
 * The demonstration outbound case, made through the same services the web app and the vendor
 * portal call: the CI imports the SARIF, Lena approves the path traversal through the review gate
 * (he found it himself, so a second engineer must) and rejects the ReDoS as a false positive;
 * Fabrikam is in the vendor directory with a security contact and an OpenPGP key; Tomás makes the
 * case from the draft group, sends the notice (encrypted, and signed with the notice-signing key
 * Lena makes unless there is one) and hands Fabrikam a portal link; there
 * Fabrikam acknowledges, says the flaw is fixed and adds a statement; Lena records the decision
 * ("fix released") and discloses, which drafts the advisory (published by seedDemoAdvisories).
 * Skipped when the demo package already has its case.
 */
export async function seedDemoCase(context: AppContext): Promise<{ caseId: string; advisoryId: string } | null> {
  if (await context.db.selectFrom('cases').select('id').where('project_key', '=', DEMO_PACKAGE.projectKey).executeTakeFirst()) return null;
  const triager = await staff(context, 'triager@demo.cvdesk.local');
  const lead = await staff(context, 'lead@demo.cvdesk.local');

  // Lena registers the CI's Semgrep (it uploads with `cvdesk findings import` on the CI machine) as an
  // automated source, so its scanner findings need one engineer; the one Tomás confirmed by hand is
  // his, so a second must approve it.
  if (!(await context.db.selectFrom('finding_automated_sources').select('id').where('name', '=', 'semgrep').where('retired_at', 'is', null).executeTakeFirst())) {
    await inTransaction(context, (trx) => registerAutomatedSource(context, trx, lead, { name: 'semgrep', description: 'Semgrep in the CI pipeline of the security team', uploaderEmail: null }));
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvdesk-demo-'));
  try {
    const file = path.join(dir, 'fabrikam-tar.sarif');
    fs.writeFileSync(file, JSON.stringify(demoSarif()));
    await importFindingsFile(context, systemActor('ci: semgrep'), file, { source: 'semgrep', filename: 'fabrikam-tar.sarif' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const { items } = await listCandidates(context.db, lead, { project: DEMO_PACKAGE.projectKey, state: 'pending' });
  for (const candidate of items) {
    await inTransaction(context, (trx) =>
      candidate.cwe === 22
        ? reviewCandidate(context, trx, lead, candidate.id, { decision: 'approve', note: 'Reproduced with the proof of concept; Fabrikam maintains the package.' })
        : reviewCandidate(context, trx, lead, candidate.id, { decision: 'reject', reason: 'false_positive', note: 'Header values are at most 512 bytes: no exponential blow-up in practice.', suppress: 'root_cause' }),
    );
  }

  const openpgp = await import('openpgp');
  const { publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'Fabrikam Security', email: VENDOR.contact }], format: 'armored' });
  const vendor = await inTransaction(context, async (trx) => {
    const row = await createVendor(context, trx, triager, {
      name: VENDOR.name,
      country: 'US',
      notes: 'Maintains **fabrikam-tar** on npm. Prefers encrypted mail; answers within a few days.',
      domains: ['fabrikam.example'],
      repositories: [VENDOR.repository],
      packages: [DEMO_PACKAGE.purl],
      contacts: [
        { kind: 'email', value: VENDOR.contact, status: 'live' },
        { kind: 'security_txt', value: 'https://fabrikam.example/.well-known/security.txt' },
      ],
    });
    await addVendorKey(context, trx, triager, row.id, publicKey);
    return row;
  });

  const created = await inTransaction(context, (trx) =>
    createCaseFromDraftGroup(context, trx, triager, DEMO_PACKAGE.projectKey, {
      title: 'Path traversal when extracting tarballs with fabrikam-tar',
      summary: '`extract()` in **fabrikam-tar** before 2.4.1 wrote archive entries whose names contain `../` (or symlinks pointing outside) outside the target directory.',
      policy: 'organisation_default',
      credits: [
        { kind: 'team', name: 'Acme Security Research', consentToName: true },
        { kind: 'individual', name: 'Tomás Triager', consentToName: false },
      ],
    }),
  );
  const [participant] = await caseParticipants(context.db, created.id);
  if (!participant || participant.vendor_id !== vendor.id) throw new Error('the demo case did not find Fabrikam by its package');
  // The notice is signed as well as encrypted: Lena has made the notice-signing key (unless there is one).
  await seedDemoNoticeSigningKey(context);
  await inTransaction(context, (trx) => sendNotice(context, trx, triager, created.id, participant.id, { message: 'We found a path traversal in fabrikam-tar and would like to coordinate a fix with you.' }));
  // The notice carries its own link; this one is "handed over on the phone", so the demo can act as Fabrikam.
  const link = await inTransaction(context, (trx) => issuePortalLinkAsStaff(context, trx, triager, created.id, participant.id, 30));

  const [vulnerability] = await caseVulnerabilities(context.db, created.id);
  await portalAcknowledge(context, await openPortal(context, link.token, 'acknowledge'));
  await portalSetStatus(context, await openPortal(context, link.token, 'status'), vulnerability!.id, 'fixed');
  await portalStatement(context, await openPortal(context, link.token, 'statement'), {
    body: `Fixed in ${DEMO_PACKAGE.fixed}: entry paths are resolved and refused when they leave the target directory; symlink targets are checked the same way. Thank you!`,
    vulnerabilityId: vulnerability!.id,
  });
  await inTransaction(context, (trx) => addStaffStatement(context, trx, triager, created.id, { body: `Verified: ${DEMO_PACKAGE.fixed} refuses the proof of concept.`, shared: true, vulnerabilityId: vulnerability!.id }));

  await inTransaction(context, (trx) =>
    recordDecision(context, trx, lead, created.id, { condition: 'fix_released', evidence: `fabrikam-tar ${DEMO_PACKAGE.fixed} is on npm and Fabrikam marked the flaw fixed in the portal.` }),
  );
  const disclosed = await inTransaction(context, (trx) => transitionCase(context, trx, lead, created.id, 'disclosed', 'Fix released'));
  return { caseId: created.id, advisoryId: disclosed.advisoryId! };
}
