import fs from 'node:fs';
import path from 'node:path';
import { RedactedSecret, SHORT_NAME, resolveApiUrl } from '../cve-services/credentials.js';

/**
 * Configuration, parsed once at start-up from the environment and frozen.
 * Every variable is documented in docs/configuration.md (a test checks the two agree).
 * An invalid value throws a ConfigError naming the variable, so start-up stops with a clear message.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** `postgres://…` selects PostgreSQL; unset means the embedded SQLite database under dataDir. */
  readonly databaseUrl: string | undefined;
  /** Schema to use on PostgreSQL (tests give each run its own). */
  readonly databaseSchema: string | undefined;
  /** The address people reach cvdesk at; used in links sent by mail. */
  readonly publicUrl: string;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  /** 32-byte key (base64) that encrypts secrets at rest; unset means `<dataDir>/master.key`. */
  readonly masterKey: string | undefined;
  readonly sessionIdleMinutes: number;
  readonly sessionAbsoluteHours: number;
  readonly bodyLimitBytes: number;
  readonly authRateLimitPerMinute: number;
  /** Reports and replies one account (or address) may send per minute. */
  readonly submissionRateLimitPerMinute: number;
  /**
   * Which proxies' X-Forwarded-* headers to believe: false (none), a number of hops, or a list
   * of proxy addresses/CIDRs. Never "all": any client could then choose its own address.
   */
  readonly trustProxy: false | number | string[];
  readonly tlsCertFile: string | undefined;
  readonly tlsKeyFile: string | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly jobPollMs: number;
  readonly jobConcurrency: number;
  readonly runJobs: boolean;
  /** Largest attachment accepted, and how many one report may carry. */
  readonly attachmentMaxBytes: number;
  readonly attachmentMaxCount: number;
  /** Bytes of attachments one account may hold in all (staff are not limited). */
  readonly attachmentQuotaBytes: number;
  /** The first administrator's email, made on first start with an empty database. */
  readonly adminEmail: string;
  /** Bearer token that lets non-loopback clients read /metrics; unset means loopback only. */
  readonly metricsToken: string | undefined;
  /** Let webhooks use plain http and reach private, loopback and other non-public addresses (tests, closed networks). */
  readonly webhookAllowPrivate: boolean;
  /** Largest armoured OpenPGP message a sealed incident (or one follow-up message) may be. */
  readonly incidentMaxBytes: number;
  /** Receipt checks per client address per minute, and across all clients per minute. */
  readonly incidentReceiptRateLimitPerMinute: number;
  readonly incidentReceiptGlobalPerMinute: number;
  /** The SMTP intake listener: off unless a port is given. */
  readonly mailIntakePort: number | undefined;
  readonly mailIntakeHost: string;
  readonly mailIntakeMaxBytes: number;
  /** Messages one client address may deliver per minute. */
  readonly mailIntakeRatePerMinute: number;
  /** Let vendor discovery reach loopback addresses (and plain http there): tests and demos only. */
  readonly fetchAllowLoopback: boolean;
  /** Vendor contact discovery: bounds, mail-domain checks and where forges and registries are (docs/vendors.md). */
  readonly discovery: DiscoveryConfig;
  /** CVE Services from the environment (cvelib's names); unset parts fall back to the settings page. */
  readonly cveApiUrl: string | undefined;
  readonly cveOrg: string | undefined;
  readonly cveUser: string | undefined;
  /** CVE_API_KEY or the contents of CVE_API_KEY_FILE; prints as [redacted]. */
  readonly cveApiKey: RedactedSecret | undefined;
  /** RESERVED IDs unassigned this many days are flagged for rejection. */
  readonly cveIdUnusedDays: number;
  /** Per attempt, and retries after the first, of a CVE Services call (429, outages; see cve-services/transport.ts). */
  readonly cveApiTimeoutMs: number;
  readonly cveApiRetries: number;
  /** Advisory ids are PREFIX-YEAR-NNNN (the CSAF tracking id and file name). */
  readonly advisoryIdPrefix: string;
  /** Prefix of OSV ids: `x_…` for a database not on the OSV schema's list of home databases. */
  readonly osvIdPrefix: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw;
}

function trustProxy(raw: string | undefined): false | number | string[] {
  if (raw === undefined || raw === '' || /^(0|false|no|off)$/i.test(raw)) return false;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  if (/^(1|true|yes|on)$/i.test(raw)) {
    throw new ConfigError('TRUST_PROXY', 'give the number of proxies in front (e.g. 1) or their addresses (e.g. 10.0.0.5,10.0.1.0/24), not true: trusting every X-Forwarded-For lets clients pick their own address');
  }
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    if (!/^[0-9a-f:.]+(\/\d{1,3})?$/i.test(entry)) throw new ConfigError('TRUST_PROXY', `"${entry}" is not an IP address or CIDR range`);
  }
  return entries;
}

/** CVE_API_URL (`production`, `test` or a URL), CVE_ORG, CVE_USER, and CVE_API_KEY or CVE_API_KEY_FILE (not both). */
function cveServicesConfig(env: Env): Pick<Config, 'cveApiUrl' | 'cveOrg' | 'cveUser' | 'cveApiKey'> {
  let cveApiUrl: string | undefined;
  if (env.CVE_API_URL) {
    cveApiUrl = resolveApiUrl(env.CVE_API_URL);
    if (!cveApiUrl) throw new ConfigError('CVE_API_URL', 'give production, test or an http(s) URL such as https://cveawg.mitre.org/api');
  }
  for (const name of ['CVE_ORG', 'CVE_USER'] as const) {
    if (env[name] && !SHORT_NAME.test(env[name])) throw new ConfigError(name, 'letters, digits and _.@- only, 2 to 128 characters');
  }
  if (env.CVE_API_KEY && env.CVE_API_KEY_FILE) throw new ConfigError('CVE_API_KEY_FILE', 'give CVE_API_KEY or CVE_API_KEY_FILE, not both');
  let key = env.CVE_API_KEY || undefined;
  if (env.CVE_API_KEY_FILE) {
    try {
      key = fs.readFileSync(env.CVE_API_KEY_FILE, 'utf8').trim();
    } catch (error) {
      throw new ConfigError('CVE_API_KEY_FILE', `cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!key) throw new ConfigError('CVE_API_KEY_FILE', 'the file is empty');
  }
  if (key !== undefined && !/^[\x21-\x7e]{1,512}$/.test(key)) throw new ConfigError(env.CVE_API_KEY_FILE ? 'CVE_API_KEY_FILE' : 'CVE_API_KEY', 'the key must be 1 to 512 printable ASCII characters without spaces');
  return { cveApiUrl, cveOrg: env.CVE_ORG || undefined, cveUser: env.CVE_USER || undefined, cveApiKey: key === undefined ? undefined : new RedactedSecret(key) };
}

/** Vendor contact discovery (docs/vendors.md): bounds, mail-domain checks, forge and registry base URLs. */
export interface DiscoveryConfig {
  readonly concurrency: number;
  readonly connectTimeoutMs: number;
  readonly fetchTimeoutMs: number;
  readonly targetTimeoutMs: number;
  readonly maxBytes: number;
  /** `dns`: a mail address counts as live only when its domain has MX (or address) records; `off`: not checked. */
  readonly mailCheck: 'dns' | 'off';
  readonly sources: {
    readonly githubUrl: string;
    readonly githubRawUrl: string;
    readonly gitlabUrl: string;
    readonly codebergUrl: string;
    readonly npmUrl: string;
    readonly pypiUrl: string;
    readonly cratesUrl: string;
  };
}

function discoveryConfig(env: Env): DiscoveryConfig {
  const web = ['https:', 'http:'];
  const base = (value: string | undefined, fallback: string) => (value ?? fallback).replace(/\/+$/, '');
  const mailCheck = (env.CVDESK_DISCOVERY_MAIL_CHECK || 'dns').toLowerCase();
  if (mailCheck !== 'dns' && mailCheck !== 'off') throw new ConfigError('CVDESK_DISCOVERY_MAIL_CHECK', `must be dns or off, got "${mailCheck}"`);
  return {
    concurrency: integer(env, 'CVDESK_DISCOVERY_CONCURRENCY', 16, 1, 1024),
    connectTimeoutMs: integer(env, 'CVDESK_DISCOVERY_CONNECT_TIMEOUT_MS', 3000, 100, 60_000),
    fetchTimeoutMs: integer(env, 'CVDESK_DISCOVERY_FETCH_TIMEOUT_MS', 8000, 100, 120_000),
    targetTimeoutMs: integer(env, 'CVDESK_DISCOVERY_TARGET_TIMEOUT_MS', 30_000, 500, 600_000),
    maxBytes: integer(env, 'CVDESK_DISCOVERY_MAX_BYTES', 2 * 1024 * 1024, 16 * 1024, 64 * 1024 * 1024),
    mailCheck,
    sources: {
      githubUrl: base(url(env, 'CVDESK_DISCOVERY_GITHUB_URL', web), 'https://github.com'),
      githubRawUrl: base(url(env, 'CVDESK_DISCOVERY_GITHUB_RAW_URL', web), 'https://raw.githubusercontent.com'),
      gitlabUrl: base(url(env, 'CVDESK_DISCOVERY_GITLAB_URL', web), 'https://gitlab.com'),
      codebergUrl: base(url(env, 'CVDESK_DISCOVERY_CODEBERG_URL', web), 'https://codeberg.org'),
      npmUrl: base(url(env, 'CVDESK_DISCOVERY_NPM_URL', web), 'https://registry.npmjs.org'),
      pypiUrl: base(url(env, 'CVDESK_DISCOVERY_PYPI_URL', web), 'https://pypi.org'),
      cratesUrl: base(url(env, 'CVDESK_DISCOVERY_CRATES_URL', web), 'https://crates.io'),
    },
  };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function advisoryIdPrefix(raw: string | undefined): string {
  const value = raw?.trim() || 'ADV';
  if (!/^[A-Z][A-Z0-9]{0,15}$/.test(value)) throw new ConfigError('ADVISORY_ID_PREFIX', 'must be 1 to 16 capital letters and digits, starting with a letter');
  return value;
}

/**
 * The OSV schema lists the home databases allowed to use their own id prefix; anyone else uses
 * `x_`. The default names this installation's host so two cvdesks' ids do not collide.
 */
function osvIdPrefix(raw: string | undefined, publicUrl: string): string {
  const value = raw?.trim() || `x_${new URL(publicUrl).hostname.replace(/[^A-Za-z0-9.-]/g, '-')}-`;
  if (!/^(x_[A-Za-z0-9._-]*|[A-Z][A-Za-z0-9]*(-[A-Z][A-Za-z0-9]*)?-)$/.test(value)) {
    throw new ConfigError('OSV_ID_PREFIX', 'must start with x_ (a database not on the OSV list), or be a listed home-database prefix ending in "-" such as CURL-');
  }
  return value;
}

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const port = overrides.port ?? integer(env, 'PORT', 8080, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const dataDir = path.resolve(overrides.dataDir ?? (env.CVDESK_DATA || './data'));
  const databaseUrl = overrides.databaseUrl ?? url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const databaseSchema = overrides.databaseSchema ?? (env.DATABASE_SCHEMA || undefined);
  if (databaseSchema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) {
    throw new ConfigError('DATABASE_SCHEMA', 'must be a lower-case SQL identifier');
  }
  const tlsCertFile = env.TLS_CERT_FILE || undefined;
  const tlsKeyFile = env.TLS_KEY_FILE || undefined;
  if (Boolean(tlsCertFile) !== Boolean(tlsKeyFile)) {
    throw new ConfigError(tlsCertFile ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE', 'TLS needs both TLS_CERT_FILE and TLS_KEY_FILE');
  }
  const scheme = tlsCertFile ? 'https' : 'http';
  const publicUrl = (url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `${scheme}://localhost:${port}`).replace(/\/+$/, '');
  const masterKey = env.CVDESK_MASTER_KEY || undefined;
  if (masterKey !== undefined && Buffer.from(masterKey, 'base64').length !== 32) {
    throw new ConfigError('CVDESK_MASTER_KEY', 'must be 32 bytes encoded in base64 (openssl rand -base64 32)');
  }
  const logLevel = (env.LOG_LEVEL || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const mailFrom = env.MAIL_FROM || `cvdesk <security@${new URL(publicUrl).hostname}>`;

  return Object.freeze({
    port,
    host,
    dataDir,
    databaseUrl,
    databaseSchema,
    publicUrl,
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom,
    masterKey,
    sessionIdleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 60, 1, 60 * 24 * 30),
    sessionAbsoluteHours: integer(env, 'SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 90),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 1024 * 1024 * 1024),
    authRateLimitPerMinute: integer(env, 'AUTH_RATE_LIMIT_PER_MINUTE', 20, 1, 100_000),
    submissionRateLimitPerMinute: integer(env, 'SUBMISSION_RATE_LIMIT_PER_MINUTE', 30, 1, 10_000_000),
    trustProxy: trustProxy(env.TRUST_PROXY),
    tlsCertFile,
    tlsKeyFile,
    logLevel,
    jobPollMs: integer(env, 'JOB_POLL_MS', 500, 10, 60_000),
    jobConcurrency: integer(env, 'JOB_CONCURRENCY', 4, 1, 64),
    runJobs: boolean(env, 'RUN_JOBS', true),
    metricsToken: env.METRICS_TOKEN || undefined,
    webhookAllowPrivate: boolean(env, 'WEBHOOK_ALLOW_PRIVATE', false),
    adminEmail: env.CVDESK_ADMIN_EMAIL || 'admin@cvdesk.local',
    attachmentMaxBytes: integer(env, 'ATTACHMENT_MAX_BYTES', 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    attachmentMaxCount: integer(env, 'ATTACHMENT_MAX_COUNT', 10, 0, 100),
    attachmentQuotaBytes: integer(env, 'ATTACHMENT_QUOTA_BYTES', 1024 * 1024 * 1024, 1024, 1024 ** 4),
    incidentMaxBytes: integer(env, 'INCIDENT_MAX_BYTES', 10 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    incidentReceiptRateLimitPerMinute: integer(env, 'INCIDENT_RECEIPT_RATE_LIMIT_PER_MINUTE', 10, 1, 100_000),
    incidentReceiptGlobalPerMinute: integer(env, 'INCIDENT_RECEIPT_GLOBAL_PER_MINUTE', 120, 1, 1_000_000),
    mailIntakePort: env.MAIL_INTAKE_PORT ? integer(env, 'MAIL_INTAKE_PORT', 0, 0, 65535) : undefined,
    mailIntakeHost: env.MAIL_INTAKE_HOST || host,
    mailIntakeMaxBytes: integer(env, 'MAIL_INTAKE_MAX_BYTES', 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    mailIntakeRatePerMinute: integer(env, 'MAIL_INTAKE_RATE_PER_MINUTE', 30, 1, 100_000),
    fetchAllowLoopback: boolean(env, 'CVDESK_FETCH_ALLOW_LOOPBACK', false),
    discovery: discoveryConfig(env),
    ...cveServicesConfig(env),
    cveIdUnusedDays: integer(env, 'CVE_ID_UNUSED_DAYS', 30, 1, 3650),
    cveApiTimeoutMs: integer(env, 'CVE_API_TIMEOUT_MS', 30_000, 100, 600_000),
    cveApiRetries: integer(env, 'CVE_API_RETRIES', 4, 0, 10),
    advisoryIdPrefix: advisoryIdPrefix(env.ADVISORY_ID_PREFIX),
    osvIdPrefix: osvIdPrefix(env.OSV_ID_PREFIX, publicUrl),
    ...overrides,
  });
}
