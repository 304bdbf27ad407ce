import type { Command } from 'commander';
import { seedDemoAccounts } from '../../demo/seed-accounts.js';
import { seedDemoReports } from '../../demo/seed-reports.js';
import { seedDemoAdvisories } from '../../demo/seed-advisories.js';
import { seedDemoCase } from '../../demo/seed-case.js';
import { seedDemoNoticeSigningKey } from '../../demo/seed-keys.js';
import { NOTICE_SIGNING_KEY_PATH } from '../../domain/keys/notice-signing.service.js';
import { DEMO_EMULATOR_PORT, seedDemoCveServices } from '../../demo/seed-cve-services.js';
import { CliFailure } from '../failure.js';
import { operator, print, withContext, type CliIO, type GlobalOptions } from '../io.js';

export function registerDemoCommand(program: Command, io: CliIO): void {
  program
    .command('demo')
    .description('fill a database with a demonstration organisation — accounts, programmes and reports, a notice-signing key, an outbound case, published advisories — through the same services a user calls')
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder (default ./data); use a fresh one to keep demo data apart')
    .option(
      '--cve-emulator [port]',
      `also act as a CNA against a CVE Services emulator on 127.0.0.1:PORT (default ${DEMO_EMULATOR_PORT}): store the connection, reserve and assign IDs; its state is kept in the data folder for \`cvdesk serve --cve-emulator\``,
    )
    .action(async (options: GlobalOptions & { cveEmulator?: string | boolean }) => {
      let emulatorPort: number | undefined;
      if (options.cveEmulator !== undefined) {
        const given = options.cveEmulator === true ? String(DEMO_EMULATOR_PORT) : String(options.cveEmulator);
        if (!/^\d{1,5}$/.test(given) || Number(given) < 1 || Number(given) > 65535) throw new CliFailure(`--cve-emulator: expected a port from 1 to 65535, got "${given}"`, 2);
        emulatorPort = Number(given);
      }
      await withContext(options, async (context) => {
        const accounts = await seedDemoAccounts(context, operator());
        const reports = await seedDemoReports(context);
        const noticeSigningKey = await seedDemoNoticeSigningKey(context);
        const outboundCase = await seedDemoCase(context);
        const { advisories } = await seedDemoAdvisories(context);
        const cve = emulatorPort !== undefined ? await seedDemoCveServices(context, { port: emulatorPort }) : undefined;
        print(io, options, { accounts, ...reports, ...(noticeSigningKey ? { noticeSigningKey: noticeSigningKey.fingerprint } : {}), ...(outboundCase ? { case: outboundCase.caseId } : {}), advisories, ...(cve ? { cveServices: cve } : {}) }, () =>
          (accounts.length === 0
            ? 'the demo organisation exists already'
            : [
                'Demo accounts (passwords shown once; staff sign in with the TOTP secret in an authenticator app):',
                ...accounts.map((a) => `  ${a.email.padEnd(32)} ${a.roles.join(',').padEnd(16)} password ${a.password}${a.totpSecret ? `  totp ${a.totpSecret}` : ''}`),
              ].join('\n') +
              (reports.reports ? `\nProgrammes ${reports.programs.join(', ')} with ${reports.reports} reports in every state.` : '') +
              (noticeSigningKey ? `\nNotice-signing key ${noticeSigningKey.fingerprint}: case notices are signed with it (public key at ${NOTICE_SIGNING_KEY_PATH}).` : '') +
              (outboundCase ? `\nOutbound case /cases/${outboundCase.caseId}: findings in fabrikam-tar, reviewed, told to Fabrikam, fixed and disclosed.` : '') +
              (advisories.length ? `\nPublished advisories ${advisories.join(', ')}: /advisories, /.well-known/csaf/provider-metadata.json.` : '')) +
          (cve
            ? `\nCVE Services emulator at ${cve.url} for ${cve.org} (${cve.user}); the pool holds ${cve.cveIds.join(', ') || 'no IDs'}${cve.assigned ? `, ${cve.assigned} assigned to the IDOR report` : ''}.` +
              `\nServe with it running: cvdesk serve --cve-emulator${options.data ? ` --data ${options.data}` : ''}`
            : ''),
        );
      });
    });
}
