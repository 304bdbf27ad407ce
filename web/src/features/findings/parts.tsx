import { Link } from 'react-router';
import { Chip, type Tone } from '../../components/ui';
import type { CandidateState } from './types';

const STATE_TONES: Record<CandidateState, Tone> = { pending: 'warning', approved: 'success', rejected: 'neutral' };
const STATE_LABELS: Record<CandidateState, string> = { pending: 'Needs review', approved: 'Approved', rejected: 'Rejected' };

export function CandidateStateChip({ state }: { state: CandidateState }) {
  return <Chip tone={STATE_TONES[state]}>{STATE_LABELS[state]}</Chip>;
}

/** CVSS-style bands for a 0–10 score. */
export function SeverityScore({ score }: { score: number }) {
  const tone: Tone = score >= 9 ? 'danger' : score >= 7 ? 'warning' : score >= 4 ? 'info' : 'neutral';
  const band = score >= 9 ? 'Critical' : score >= 7 ? 'High' : score >= 4 ? 'Medium' : score > 0 ? 'Low' : 'None';
  return (
    <Chip tone={tone}>
      {band} {score.toFixed(1)}
    </Chip>
  );
}

export const REASON_LABELS: Record<string, string> = {
  false_positive: 'False positive',
  wont_report: "Won't report",
  duplicate: 'Duplicate',
  out_of_scope: 'Out of scope',
};

export const percent = (value: number | null) => (value === null ? '—' : `${Math.round(value * 100)}%`);

export function FindingsTabs({ current }: { current: 'queue' | 'groups' | 'dashboard' | 'sources' }) {
  const tabs = [
    { key: 'queue', to: '/findings', label: 'Review queue' },
    { key: 'groups', to: '/findings/groups', label: 'Draft case groups' },
    { key: 'dashboard', to: '/findings/dashboard', label: 'Dashboard' },
    { key: 'sources', to: '/findings/sources', label: 'Automated sources' },
  ] as const;
  return (
    <nav className="tabs" aria-label="Findings">
      {tabs.map((tab) => (
        <Link key={tab.key} to={tab.to} className={tab.key === current ? 'tab active' : 'tab'} aria-current={tab.key === current ? 'page' : undefined}>
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
