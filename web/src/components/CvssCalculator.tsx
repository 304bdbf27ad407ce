import { useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { toApiError } from '../api/client';
import { referenceApi } from '../features/reports/api';
import type { CvssScore } from '../features/reports/types';
import { SeverityChip } from './ReportChips';
import { GROUP_GUIDE, guideFor, metricsOf, validateVector, type CvssMetric, type CvssMetricGroup, type CvssVersion } from './cvssGuide';
import '../features/reports/reports.css';

type Metrics = Record<string, string>;

const GROUPS: Record<'3' | '4', CvssMetricGroup[]> = {
  '3': ['base', 'temporal', 'environmental'],
  '4': ['base', 'threat', 'environmental', 'supplemental'],
};

/** `CVSS:<version>/` and the chosen metrics in the specification's order (X, "not defined", left out). */
export function buildVector(version: CvssVersion, metrics: Metrics): string {
  const parts = metricsOf(version)
    .filter((m) => metrics[m.key] && metrics[m.key] !== 'X')
    .map((m) => `${m.key}:${metrics[m.key]}`);
  return parts.length ? [`CVSS:${version}`, ...parts].join('/') : '';
}

/** Reads what it can from a vector being typed: the version and every well-formed known metric. */
function readVector(text: string): { version: CvssVersion | null; metrics: Metrics } {
  const [prefix = '', ...parts] = text.trim().split('/');
  const match = /^CVSS:(3\.0|3\.1|4\.0)$/.exec(prefix);
  if (!match) return { version: null, metrics: {} };
  const version = match[1] as CvssVersion;
  const known = new Map(metricsOf(version).map((m) => [m.key, m]));
  const metrics: Metrics = {};
  for (const part of parts) {
    const [key = '', value = ''] = part.split(':');
    const metric = known.get(key);
    if (metric && metric.values.some((v) => v.value === value) && !(key in metrics)) metrics[key] = value;
  }
  return { version, metrics };
}

type Result =
  | { kind: 'empty' }
  | { kind: 'incomplete'; missing: CvssMetric[] }
  | { kind: 'checking' }
  | { kind: 'scored'; score: CvssScore }
  | { kind: 'invalid'; messages: string[] };

/**
 * A CVSS 3.1 / 4.0 calculator that teaches as it goes: every metric is a group of radio buttons
 * with the question it asks and what the chosen value means; the vector string below can be
 * typed or pasted (it sets the buttons) and follows every click. The score and rating come from
 * the server (`GET /cvss`, debounced), which also names any bad metric.
 */
export function CvssCalculator({
  value,
  onChange,
  legend = 'Severity (CVSS)',
  error,
}: {
  value: string;
  onChange: (vector: string) => void;
  legend?: string;
  error?: string | undefined;
}) {
  const baseId = useId();
  // Read once: afterwards the buttons and the text are the state, and `value` only resets them.
  const initial = useMemo(() => readVector(value), []);
  const [version, setVersion] = useState<CvssVersion>(initial.version ?? '3.1');
  const [metrics, setMetrics] = useState<Metrics>(initial.metrics);
  const [text, setText] = useState(value);
  const [result, setResult] = useState<Result>({ kind: 'empty' });

  // A vector set from outside (a reset after submitting, another report loaded).
  useEffect(() => {
    if (value === text.trim()) return;
    const read = readVector(value);
    setText(value);
    if (read.version) setVersion(read.version);
    setMetrics(read.metrics);
  }, [value]);

  const localProblems = useMemo(() => (text.trim() ? validateVector(text) : null), [text]);
  const badMetrics = new Set(localProblems && !localProblems.ok ? localProblems.problems.map((p) => p.metric).filter((m): m is string => !!m) : []);

  useEffect(() => {
    const vector = text.trim();
    if (!vector) {
      setResult({ kind: 'empty' });
      return;
    }
    const local = validateVector(vector);
    if (!local.ok && local.problems.every((p) => /is missing$/.test(p.message))) {
      const read = readVector(vector);
      const missing = metricsOf(read.version ?? version).filter((m) => m.mandatory && !read.metrics[m.key]);
      if (read.version && missing.length) {
        setResult({ kind: 'incomplete', missing });
        return;
      }
    }
    const controller = new AbortController();
    setResult((previous) => (previous.kind === 'scored' ? previous : { kind: 'checking' }));
    const timer = window.setTimeout(() => {
      referenceApi.cvss(vector, controller.signal).then(
        (score) => !controller.signal.aborted && setResult({ kind: 'scored', score }),
        (reason: unknown) => {
          if (controller.signal.aborted) return;
          const problem = toApiError(reason);
          const messages = problem.details.length ? problem.details.map((d) => d.message) : [problem.message];
          setResult({ kind: 'invalid', messages });
        },
      );
    }, 300);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [text]);

  function update(nextVersion: CvssVersion, nextMetrics: Metrics) {
    const vector = buildVector(nextVersion, nextMetrics);
    setVersion(nextVersion);
    setMetrics(nextMetrics);
    setText(vector);
    onChange(vector);
  }

  function choose(key: string, choice: string) {
    const next = { ...metrics };
    if (choice === 'X') delete next[key];
    else next[key] = choice;
    update(version, next);
  }

  function switchVersion(next: CvssVersion) {
    if (next === version) return;
    // Keep what means the same in both versions (attack vector, complexity, privileges…).
    const known = new Map(metricsOf(next).map((m) => [m.key, m]));
    const kept: Metrics = {};
    for (const [key, choice] of Object.entries(metrics)) {
      if (known.get(key)?.values.some((v) => v.value === choice)) kept[key] = choice;
    }
    update(next, kept);
  }

  function typed(vector: string) {
    setText(vector);
    onChange(vector.trim());
    const read = readVector(vector);
    if (read.version) {
      setVersion(read.version);
      setMetrics(read.metrics);
    } else if (!vector.trim()) setMetrics({});
  }

  const groups = GROUPS[version === '4.0' ? '4' : '3'];
  const all = metricsOf(version);
  const vectorId = `${baseId}-vector`;
  const vectorHintId = `${baseId}-vector-hint`;
  const errorId = `${baseId}-error`;

  return (
    <fieldset className={['cvss', error ? 'has-error' : ''].join(' ').trim()} aria-describedby={error ? errorId : undefined}>
      <legend className="cvss-legend">{legend}</legend>
      <p className="hint">
        Answer each question about the flaw as it is, not as it could be at worst. Pick a value for every base metric;
        the rest are optional. Already have a vector? Paste it below instead.
      </p>

      <div className="cvss-version" role="radiogroup" aria-label="CVSS version">
        {(['3.1', '4.0'] as const).map((v) => (
          <label key={v} className="seg-option">
            <input type="radio" name={`${baseId}-version`} value={v} checked={version === v || (v === '3.1' && version === '3.0')} onChange={() => switchVersion(v)} />
            <span>CVSS {v}</span>
          </label>
        ))}
      </div>
      {version === '3.0' && <p className="hint">A CVSS 3.0 vector: scored with the 3.0 equations. Choose 3.1 to convert it.</p>}

      {groups.map((group) => {
        const list = all.filter((m) => m.group === group);
        const body = (
          <div className="cvss-metrics">
            {list.map((metric) => (
              <MetricButtons
                key={`${version}-${metric.key}`}
                name={`${baseId}-${metric.key}`}
                version={version}
                metric={metric}
                chosen={metrics[metric.key]}
                invalid={badMetrics.has(metric.key) && result.kind === 'invalid'}
                onChoose={(choice) => choose(metric.key, choice)}
              />
            ))}
          </div>
        );
        const guide = GROUP_GUIDE[group];
        if (group === 'base') {
          return (
            <section key={group} className="cvss-group" aria-label={guide.title}>
              <h3 className="cvss-group-title">{guide.title}</h3>
              <p className="hint">{guide.text}</p>
              {body}
            </section>
          );
        }
        const used = list.filter((m) => metrics[m.key]).length;
        return (
          <OptionalGroup key={group} title={guide.title} used={used}>
            <p className="hint">{guide.text}</p>
            {body}
          </OptionalGroup>
        );
      })}

      <div className={['field', 'cvss-vector-field', result.kind === 'invalid' ? 'has-error' : ''].join(' ').trim()}>
        <label htmlFor={vectorId}>Vector string</label>
        <p id={vectorHintId} className="hint">
          Follows your choices above; type or paste one (starting <code>CVSS:3.1/</code> or <code>CVSS:4.0/</code>) to set them.
        </p>
        <input
          id={vectorId}
          type="text"
          className="mono"
          spellCheck={false}
          autoComplete="off"
          autoCapitalize="off"
          value={text}
          placeholder="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
          aria-invalid={result.kind === 'invalid' ? true : undefined}
          aria-describedby={`${vectorHintId} ${baseId}-result`}
          onChange={(event) => typed(event.target.value)}
        />
      </div>

      <div id={`${baseId}-result`} className="cvss-result" role="status" aria-live="polite">
        {result.kind === 'empty' && <p className="muted">No score yet.</p>}
        {result.kind === 'incomplete' && (
          <p className="muted">
            Still to choose: {result.missing.map((m) => m.name).join(', ')}.
          </p>
        )}
        {result.kind === 'checking' && <p className="muted">Scoring…</p>}
        {result.kind === 'scored' && (
          <p className="cvss-score">
            <span className="cvss-score-number">{result.score.score.toFixed(1)}</span>
            <SeverityChip severity={result.score.severity} />
            <span className="muted">
              CVSS {result.score.version}
              {result.score.baseScore !== result.score.score ? ` · base ${result.score.baseScore.toFixed(1)}` : ''}
            </span>
          </p>
        )}
        {result.kind === 'invalid' && (
          <div className="cvss-problems">
            <p>
              <strong>This vector is not valid:</strong>
            </p>
            <ul>
              {result.messages.map((message, i) => (
                <li key={i}>{message}</li>
              ))}
            </ul>
          </div>
        )}
      </div>
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/**
 * An optional metric group, folded until opened or until a vector sets one of its metrics; it
 * never folds itself under the person using it.
 */
function OptionalGroup({ title, used, children }: { title: string; used: number; children: ReactNode }) {
  const [open, setOpen] = useState(used > 0);
  const anyUsed = used > 0;
  useEffect(() => {
    if (anyUsed) setOpen(true);
  }, [anyUsed]);
  return (
    <details className="cvss-group" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>
        {title}
        {used > 0 ? ` (${used} set)` : ' (optional)'}
      </summary>
      {children}
    </details>
  );
}

function MetricButtons({
  name,
  version,
  metric,
  chosen,
  invalid,
  onChoose,
}: {
  name: string;
  version: CvssVersion;
  metric: CvssMetric;
  chosen: string | undefined;
  invalid: boolean;
  onChoose: (value: string) => void;
}) {
  const guide = guideFor(version, metric.key);
  const descriptionId = `${name}-desc`;
  const current = chosen ?? (metric.mandatory ? undefined : 'X');
  const meaning = current && guide?.values?.[current];
  return (
    <fieldset className={['cvss-metric', invalid ? 'invalid' : ''].join(' ').trim()} aria-describedby={[guide ? descriptionId : '', meaning ? `${name}-meaning` : ''].filter(Boolean).join(' ') || undefined} aria-invalid={invalid || undefined}>
      <legend>
        {metric.name} <abbr className="metric-key" title={`${metric.key} in the vector`}>{metric.key}</abbr>
      </legend>
      {guide && (
        <p id={descriptionId} className="hint cvss-question">
          {guide.question}
        </p>
      )}
      <div className="cvss-options">
        {metric.values.map((v) => (
          <label key={v.value} className="seg-option">
            <input type="radio" name={name} value={v.value} checked={current === v.value} onChange={() => onChoose(v.value)} />
            <span>{v.name}</span>
          </label>
        ))}
      </div>
      {meaning && (
        <p id={`${name}-meaning`} className="cvss-meaning">
          {meaning}
        </p>
      )}
    </fieldset>
  );
}
