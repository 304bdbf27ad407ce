import { useState } from 'react';
import { Link } from 'react-router';
import { BarChart } from '../../components/BarChart';
import { SelectField } from '../../components/forms';
import { Empty, LoadError, Loading, PageHeader } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { findingsApi } from './api';
import { FindingsTabs, percent } from './parts';
import type { Outcome } from './types';
import './findings.css';

function OutcomeTable({ caption, rows }: { caption: string; rows: Outcome[] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Findings</th>
            <th scope="col">Candidates</th>
            <th scope="col">Pending</th>
            <th scope="col">Approved</th>
            <th scope="col">False positives</th>
            <th scope="col">Otherwise rejected</th>
            <th scope="col">False-positive rate</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name}>
              <th scope="row">{r.name}</th>
              <td>{r.findings}</td>
              <td>{r.candidates}</td>
              <td>{r.pending}</td>
              <td>{r.approved}</td>
              <td>{r.falsePositive}</td>
              <td>{r.otherRejected}</td>
              <td>{percent(r.falsePositiveRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `/findings/dashboard`: findings per source and finder, review outcomes, false-positive rates, per day. */
export function FindingsDashboardPage() {
  useTitle('Findings dashboard');
  const [days, setDays] = useState(30);
  const data = useResource((signal) => findingsApi.dashboard(days, signal), [days]);
  const d = data.data;
  const sources = d ? [...new Set(d.timeline.flatMap((t) => Object.keys(t.imported)))].slice(0, 3) : [];
  const tones = ['series-1', 'series-2', 'series-3'] as const;
  return (
    <section className="page findings-page">
      <PageHeader title="Findings dashboard" description="Where findings come from and how their reviews turn out: the false-positive rate per tool, agent or person." />
      <FindingsTabs current="dashboard" />
      <div className="filters">
        <SelectField label="Period" name="days" value={String(days)} onChange={(e) => setDays(Number(e.target.value))}>
          <option value="7">7 days</option>
          <option value="30">30 days</option>
          <option value="90">90 days</option>
          <option value="365">A year</option>
        </SelectField>
      </div>
      {data.loading && !d && <Loading />}
      {data.error && <LoadError error={data.error} onRetry={data.reload} />}
      {d && (
        <>
          <p>
            <Link to="/findings">{d.candidates.pending ?? 0} candidates need review</Link> · {d.candidates.approved ?? 0} approved · {d.candidates.rejected ?? 0} rejected
          </p>
          {d.timeline.length === 0 ? (
            <Empty>Nothing imported or reviewed in this period.</Empty>
          ) : (
            <>
              <BarChart
                title="Findings imported per day"
                summary={`Findings imported per day over the last ${d.days} days, per source.`}
                categories={d.timeline.map((t) => t.day.slice(5))}
                series={sources.map((s, i) => ({ name: s, values: d.timeline.map((t) => t.imported[s] ?? 0), tone: tones[i]! }))}
              />
              <BarChart
                title="Review outcomes per day"
                summary={`Reviews per day over the last ${d.days} days: approved, false positives, otherwise rejected.`}
                categories={d.timeline.map((t) => t.day.slice(5))}
                series={[
                  { name: 'Approved', values: d.timeline.map((t) => t.approved), tone: 'series-1' },
                  { name: 'False positive', values: d.timeline.map((t) => t.falsePositive), tone: 'series-2' },
                  { name: 'Otherwise rejected', values: d.timeline.map((t) => t.otherRejected), tone: 'series-3' },
                ]}
              />
            </>
          )}
          <OutcomeTable caption="Per source (--source of the import)" rows={d.sources} />
          <OutcomeTable caption="Per finder (tool, AI agent or person)" rows={d.finders} />
        </>
      )}
    </section>
  );
}
