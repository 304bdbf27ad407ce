import type { AssetKind, Duration, ReportState, Severity, SlaMetric, TargetKey } from './types';
import { shortRef } from '../../shared/server';

/** Words people read for the codes the API uses. */

export const STATE_LABELS: Record<ReportState, string> = {
  new: 'New',
  triaged: 'Triaged',
  needs_more_info: 'Needs more info',
  duplicate: 'Duplicate',
  informative: 'Informative',
  not_applicable: 'Not applicable',
  spam: 'Spam',
  resolved: 'Resolved',
  disclosed: 'Disclosed',
};

/** What a move to each state means, for the person making it. */
export const STATE_HINTS: Record<ReportState, string> = {
  new: 'Back to the inbox as a new report.',
  triaged: 'Valid and reproduced; the team is on it.',
  needs_more_info: 'Ask the reporter for more; it closes itself if they do not answer in time.',
  duplicate: 'Reported before; name the original.',
  informative: 'True but no security impact worth fixing.',
  not_applicable: 'Not a vulnerability, or out of scope.',
  spam: 'Not a real report.',
  resolved: 'Fixed.',
  disclosed: 'Published.',
};

export function stateLabel(state: string): string {
  return STATE_LABELS[state as ReportState] ?? state.replace(/_/g, ' ');
}

export const SEVERITY_LABELS: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  none: 'None',
  unknown: 'Unscored',
};

export function severityLabel(severity: string): string {
  return SEVERITY_LABELS[severity.toLowerCase() as Severity] ?? severity;
}

export const ASSET_KIND_LABELS: Record<AssetKind, string> = {
  domain: 'Domain',
  url: 'URL',
  api: 'API',
  mobile_app: 'Mobile app',
  repository: 'Repository',
  package: 'Package',
  other: 'Other',
};

export function assetKindLabel(kind: string): string {
  return ASSET_KIND_LABELS[kind as AssetKind] ?? kind;
}

export const TARGET_LABELS: Record<TargetKey, string> = {
  firstResponse: 'First response',
  triage: 'Triage',
  bounty: 'Bounty decision',
  resolution: 'Resolution',
};

export const SLA_LABELS: Record<SlaMetric, string> = {
  first_response: 'First response',
  triage: 'Triage',
  bounty: 'Bounty',
  resolution: 'Resolution',
};

export function formatDuration(duration: Duration | undefined): string {
  if (!duration) return '—';
  const unit = duration.unit === 'days' ? 'day' : 'hour';
  return `${duration.value} ${unit}${duration.value === 1 ? '' : 's'}`;
}

/** Hours as a person says them: "40 min", "5.5 hours", "3.2 days". */
export function formatHours(hours: number | null | undefined): string {
  if (hours === null || hours === undefined) return '—';
  // The server rounds to a tenth of an hour, so 0 means "under three minutes".
  if (hours < 0.05) return 'under 3 min';
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Math.round(hours * 10) / 10} hours`;
  return `${Math.round((hours / 24) * 10) / 10} days`;
}

const digitsCache = new Map<string, number>();

/** Decimal places of an ISO 4217 currency (USD 2, JPY 0). */
export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    digitsCache.set(currency, digits);
  }
  return digits;
}

/** An amount in major units (a reward table's 500) as money: "$500". */
export function formatMoney(major: number, currency: string): string {
  try {
    const digits = Number.isInteger(major) ? 0 : currencyDigits(currency);
    return new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(major);
  } catch {
    return `${major} ${currency}`;
  }
}

/** Integer minor units (cents) as money. */
export function formatMinor(minor: number, currency: string): string {
  return formatMoney(minor / 10 ** currencyDigits(currency), currency);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function shortId(value: string): string {
  return value.length > 13 ? shortRef(value) : value;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? word : many}`;
}
