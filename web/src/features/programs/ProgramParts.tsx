import { Chip } from '../../components/ui';
import { assetKindLabel, formatDuration, formatHours, formatMoney, TARGET_LABELS } from '../reports/labels';
import { REWARD_SEVERITIES, TARGET_KEYS, type Program, type ProgramSummary, type RewardTable } from '../reports/types';

export function ProgramKindChip({ program }: { program: Pick<ProgramSummary, 'kind' | 'visibility'> }) {
  return (
    <span className="chips">
      <Chip tone={program.kind === 'bounty' ? 'success' : 'info'}>{program.kind === 'bounty' ? 'Bug bounty' : 'Disclosure programme'}</Chip>
      {program.visibility === 'invite_only' && <Chip tone="warning">Invite only</Chip>}
    </span>
  );
}

/** The scope: in-scope assets first, then the ones named as out of scope. */
export function ScopeTable({ program }: { program: Program }) {
  const assets = [...program.scope].sort((a, b) => Number(b.inScope) - Number(a.inScope) || a.tier - b.tier);
  if (assets.length === 0) return <p className="muted">No assets are listed; describe what you tested in the report.</p>;
  return (
    <div className="table-wrap">
      <table className="table scope-table">
        <caption className="visually-hidden">Assets in and out of scope</caption>
        <thead>
          <tr>
            <th scope="col">Asset</th>
            <th scope="col">Type</th>
            <th scope="col" className="num">
              Tier
            </th>
            <th scope="col">Scope</th>
            <th scope="col" className="col-opt">
              Notes
            </th>
          </tr>
        </thead>
        <tbody>
          {assets.map((asset) => (
            <tr key={asset.id} className={asset.inScope ? '' : 'inactive'}>
              <th scope="row">
                <code className="asset-id">{asset.identifier}</code>
              </th>
              <td>{assetKindLabel(asset.kind)}</td>
              <td className="num">{asset.tier}</td>
              <td>{asset.inScope ? <Chip tone="success">In scope</Chip> : <Chip tone="danger">Out of scope</Chip>}</td>
              <td className="col-opt">{asset.description || <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ExclusionList({ program }: { program: Program }) {
  if (program.exclusions.length === 0) return <p className="muted">No categories are excluded.</p>;
  return (
    <ul className="exclusion-list">
      {program.exclusions.map((e) => (
        <li key={e.id}>
          <strong>{e.name}</strong>
          {e.description && <span className="muted"> — {e.description}</span>}
          {e.redirectUrl && (
            <span className="exclusion-redirect">
              Report it at{' '}
              <a href={e.redirectUrl} rel="noopener noreferrer">
                {e.redirectUrl}
              </a>
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The reward table as a grid: tiers down, severities across, each cell a range. */
export function RewardGrid({ rewards }: { rewards: RewardTable }) {
  const tiers = [...new Set(rewards.ranges.map((r) => r.tier))].sort();
  if (tiers.length === 0) return <p className="muted">No reward ranges are published.</p>;
  return (
    <div className="table-wrap">
      <table className="table reward-grid">
        <caption className="visually-hidden">Reward ranges by asset tier and severity, in {rewards.currency}</caption>
        <thead>
          <tr>
            <th scope="col">Tier</th>
            {REWARD_SEVERITIES.map((s) => (
              <th scope="col" key={s} className="num">
                {s.charAt(0).toUpperCase() + s.slice(1)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {tiers.map((tier) => (
            <tr key={tier}>
              <th scope="row">Tier {tier}</th>
              {REWARD_SEVERITIES.map((severity) => {
                const range = rewards.ranges.find((r) => r.tier === tier && r.severity === severity);
                return (
                  <td key={severity} className="num">
                    {range ? (
                      range.min === range.max ? (
                        formatMoney(range.min, rewards.currency)
                      ) : (
                        <>
                          {formatMoney(range.min, rewards.currency)}–{formatMoney(range.max, rewards.currency)}
                        </>
                      )
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const MEDIAN_OF: Partial<Record<(typeof TARGET_KEYS)[number], keyof Program['medians']>> = {
  firstResponse: 'firstResponseHours',
  triage: 'triageHours',
  bounty: 'bountyHours',
  resolution: 'resolutionHours',
};

/** What the team promises, beside what it has achieved. */
export function TargetsTable({ program }: { program: Program }) {
  // A VDP pays no bounty, so a bounty target means nothing there.
  const keys = TARGET_KEYS.filter((k) => (k !== 'bounty' || program.kind === 'bounty') && (program.responseTargets[k] || (MEDIAN_OF[k] && program.medians[MEDIAN_OF[k]!] !== null)));
  if (keys.length === 0) return <p className="muted">No response targets are published.</p>;
  return (
    <>
      <div className="table-wrap">
        <table className="table targets-table">
          <caption className="visually-hidden">Response targets and measured medians</caption>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col" className="num">
                Target
              </th>
              <th scope="col" className="num">
                Median
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => {
              const medianKey = MEDIAN_OF[key];
              const median = medianKey ? (program.medians[medianKey] as number | null) : null;
              return (
                <tr key={key}>
                  <th scope="row">{TARGET_LABELS[key]}</th>
                  <td className="num">{formatDuration(program.responseTargets[key])}</td>
                  <td className="num">{medianKey ? formatHours(median) : <span className="muted">—</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="hint">
        {program.businessDays ? 'Targets count business days (Monday to Friday, UTC). ' : 'Targets count calendar time. '}
        {program.medians.sampleSize > 0
          ? `Median: time from submission to each step over the last ${program.medians.sampleSize} report${program.medians.sampleSize === 1 ? '' : 's'}, in ${program.businessDays ? 'business' : 'calendar'} time; ` +
            'reports still waiting count with their wait so far, reports closed without the step are left out' +
            (program.kind === 'bounty' ? '; the bounty step is the first reward awarded (one cancelled does not count).' : '.')
          : 'No reports yet to measure.'}
      </p>
    </>
  );
}

export function DisclosureText({ program }: { program: Program }) {
  const { mode, delayDays, level } = program.disclosure;
  const what = level === 'full' ? 'the report, redacted where needed' : 'a summary written by the team';
  if (mode === 'none') return <p>This programme does not publish reports.</p>;
  if (mode === 'mutual') return <p>Once a report is resolved, either side may ask to disclose it; it is published ({what}) when both agree.</p>;
  return (
    <p>
      Once a report is resolved, either side may ask to disclose it; it is published ({what}) {delayDays} day{delayDays === 1 ? '' : 's'} after the
      request, or sooner when both agree.
    </p>
  );
}
