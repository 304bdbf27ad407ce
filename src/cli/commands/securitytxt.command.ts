import fs from 'node:fs';
import type { Command } from 'commander';
import { fetchSecurityTxt } from '../../domain/securitytxt/securitytxt.fetch.js';
import { parseSecurityTxt, type ParsedSecurityTxt } from '../../domain/securitytxt/securitytxt.parser.js';
import { SECURITY_TXT_MAX_BYTES, type SecurityTxtIssue, type SecurityTxtReport } from '../../domain/securitytxt/securitytxt.js';
import { readVerificationKeys } from '../../domain/securitytxt/securitytxt.signature.js';
import { checkSecurityTxt } from '../../domain/securitytxt/securitytxt.validator.js';
import { SafeFetchError } from '../../net/safe-fetch.js';
import { AppError } from '../../shared/errors.js';
import { CliFailure } from '../failure.js';
import type { CliIO } from '../io.js';

interface CheckOptions {
  json?: boolean;
  key?: string[];
  allowPrivate?: boolean;
  ca?: string;
}

/** Reads at most `limit` bytes of a file: a huge or endless file (a FIFO, /dev/zero) cannot exhaust memory. */
function readHead(file: string, limit: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(limit);
    let size = 0;
    for (let read = -1; read !== 0 && size < limit; size += read) read = fs.readSync(fd, buffer, size, limit - size, null);
    return buffer.subarray(0, size);
  } finally {
    fs.closeSync(fd);
  }
}

const isUrl = (target: string) => /^https?:\/\//i.test(target);
const looksLikeHost = (target: string) => /^(localhost|[a-z0-9-]+(\.[a-z0-9-]+)+|\[[0-9a-f:.]+\])(:\d+)?$/i.test(target);

function formatIssues(kind: string, issues: SecurityTxtIssue[]): string[] {
  return issues.map((issue) => `${kind.padEnd(14)} ${(issue.line === null ? '' : `line ${issue.line}`).padEnd(9)} ${issue.code}: ${issue.message}`);
}

function summary(source: string, report: SecurityTxtReport, parsed: ParsedSecurityTxt | null, keys: number, notes: string[]): string {
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const lines = [
    `${source}: ${report.valid ? 'valid' : 'NOT valid'} (${count(report.errors.length, 'error')}, ${count(report.recommendations.length, 'recommendation')}, ${count(report.notifications.length, 'notification')})`,
    ...notes,
  ];
  if (parsed?.signature && keys > 0 && !report.errors.some((e) => e.code === 'signature_invalid' || e.code === 'signed_format_issue')) {
    lines.push('signature: verified against the given key');
  } else if (parsed && !parsed.signature && keys > 0) lines.push('signature: none (the file is not signed), so --key was not used');
  lines.push(...formatIssues('error', report.errors), ...formatIssues('recommendation', report.recommendations), ...formatIssues('notification', report.notifications));
  return lines.join('\n');
}

export function registerSecurityTxtCommands(program: Command, io: CliIO): void {
  const securitytxt = program.command('securitytxt').description('RFC 9116 security.txt files (docs/securitytxt.md)');

  securitytxt
    .command('check')
    .argument('<target>', 'a URL or domain (the file is looked for where RFC 9116 puts it), or a local file')
    .description('check a security.txt against RFC 9116; lists every error, recommendation and notification with its line; exit 0 only when there are no errors')
    .option('--json', 'print JSON: {valid, errors, recommendations, notifications}')
    .option('--key <file>', 'armoured OpenPGP public key the signature must verify against (repeatable)', (file: string, files: string[] | undefined) => [...(files ?? []), file])
    .option('--allow-private', 'allow fetching from private, loopback and other non-public addresses')
    .option('--ca <file>', 'trust this certificate authority (PEM) instead of the built-in ones, e.g. for an internal site')
    .action(async (target: string, options: CheckOptions) => {
      const verificationKeys = (options.key ?? []).map((file) => readHead(file, 1024 * 1024).toString('utf8'));
      for (const [index, armored] of verificationKeys.entries()) {
        try {
          await readVerificationKeys([armored]);
        } catch (error) {
          if (error instanceof AppError) throw new CliFailure(`--key ${options.key![index]}: not an armoured OpenPGP public key`, 2);
          throw error;
        }
      }
      let report: SecurityTxtReport;
      let parsed: ParsedSecurityTxt | null;
      let source = target;
      const notes: string[] = [];
      if (!isUrl(target) && fs.existsSync(target)) {
        if (!fs.statSync(target).isFile()) throw new CliFailure(`${target} is not a file`, 2);
        parsed = parseSecurityTxt(readHead(target, SECURITY_TXT_MAX_BYTES + 1));
        report = await checkSecurityTxt(parsed, { verificationKeys });
      } else if (isUrl(target) || looksLikeHost(target)) {
        try {
          const fetched = await fetchSecurityTxt(target, {
            verificationKeys,
            allowPrivateAddresses: options.allowPrivate ?? false,
            ...(options.ca ? { ca: readHead(options.ca, 1024 * 1024) } : {}),
          });
          ({ parsed } = fetched);
          report = { valid: fetched.valid, errors: fetched.errors, recommendations: fetched.recommendations, notifications: fetched.notifications };
          if (fetched.url) {
            source = fetched.url;
            if (fetched.finalUrl !== fetched.url) notes.push(`redirected to ${fetched.finalUrl}`);
          } else notes.push(...fetched.attempts.map((a) => `tried ${a.url}: ${a.status === null ? a.error : `HTTP ${a.status}`}`));
        } catch (error) {
          if (error instanceof SafeFetchError && error.reason === 'blocked_address') {
            throw new CliFailure(`${error.message.replace(/ \(allowPrivateAddresses permits it\)$/, '')}; pass --allow-private to allow it`, 1);
          }
          throw error;
        }
      } else throw new CliFailure(`${target}: no such file, and not a URL or domain name`, 2);

      io.out(options.json ? JSON.stringify(report, null, 2) : summary(source, report, parsed, verificationKeys.length, notes));
      if (!report.valid) throw new CliFailure('', 1);
    });
}
