import { useState } from 'react';
import { Link } from 'react-router';
import { BarChart } from '../../components/BarChart';
import { LoadError, Loading, PageHeader } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { casesApi } from './api';
import { PoliciesPanel } from './PoliciesPanel';
import { OPEN_STATES } from './types';
import './cases.css';

const hours = (value: number | null) => (value === null ? '—' : value >= 48 ? `${(value / 24).toFixed(1)} days` : `${value.toFixed(1)} h`);

/** Open cases by age and state; vendors' acknowledgement and fix times; month by month. */
export function CasesDashboardPage() {
  useTitle('Cases dashboard');
  const [months, setMonths] = useState(12);
  const data = useResource((signal) => casesApi.dashboard(months, signal), [months]);
  if (data.loading && !data.data) return <Loading />;
  if (data.error) return <LoadError error={data.error} onRetry={data.reload} />;
  const d = data.data!;
  return (
    <>
      <PageHeader
        title="Cases dashboard"
        description="Open cases by age and state, and how fast vendors acknowledge and fix (medians)."
        actions={
          <Link className="button secondary" to="/cases">
            Cases
          </Link>
        }
      />
      <div className="case-figures">
        <div className="card figure">
          <span className="figure-value">{d.open.total}</span> open cases
        </div>
        <div className="card figure">
          <span className="figure-value">{hours(d.responseTimes.acknowledgement.medianHours)}</span> median time to acknowledge ({d.responseTimes.acknowledgement.samples})
        </div>
        <div className="card figure">
          <span className="figure-value">{hours(d.responseTimes.fix.medianHours)}</span> median time to fix ({d.responseTimes.fix.samples})
        </div>
      </div>
      <section className="card">
        <h2>Open cases by age and state</h2>
        <table className="table">
          <thead>
            <tr>
              <th>Age</th>
              {OPEN_STATES.map((s) => (
                <th key={s}>{s}</th>
              ))}
              <th>Total</th>
            </tr>
          </thead>
          <tbody>
            {d.open.byAge.map((b) => (
              <tr key={b.key}>
                <th scope="row">{b.label}</th>
                {OPEN_STATES.map((s) => (
                  <td key={s}>{b.byState[s] ?? 0}</td>
                ))}
                <td>{b.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card">
        <label>
          Months shown{' '}
          <select value={months} onChange={(e) => setMonths(Number(e.target.value))}>
            {[3, 6, 12, 24, 36].map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <BarChart
          title="Cases per month"
          summary="Cases opened, disclosed and closed per month"
          categories={d.months.map((m) => m.month)}
          series={[
            { name: 'Opened', values: d.months.map((m) => m.opened), tone: 'series-1' },
            { name: 'Disclosed', values: d.months.map((m) => m.disclosed), tone: 'series-2' },
            { name: 'Closed', values: d.months.map((m) => m.closed), tone: 'series-3' },
          ]}
        />
        <BarChart
          title="Median vendor response times per month (hours)"
          summary="Median hours to acknowledge and to fix, per month"
          categories={d.months.map((m) => m.month)}
          series={[
            { name: 'Acknowledgement', values: d.months.map((m) => m.medianAcknowledgementHours), tone: 'series-1' },
            { name: 'Fix', values: d.months.map((m) => m.medianFixHours), tone: 'series-4' },
          ]}
          unit="h"
        />
        <table className="table">
          <caption>Month by month</caption>
          <thead>
            <tr>
              <th>Month</th>
              <th>Opened</th>
              <th>Disclosed</th>
              <th>Closed</th>
              <th>Median acknowledgement</th>
              <th>Median fix</th>
            </tr>
          </thead>
          <tbody>
            {d.months.map((m) => (
              <tr key={m.month}>
                <th scope="row">{m.month}</th>
                <td>{m.opened}</td>
                <td>{m.disclosed}</td>
                <td>{m.closed}</td>
                <td>{hours(m.medianAcknowledgementHours)}</td>
                <td>{hours(m.medianFixHours)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <PoliciesPanel />
    </>
  );
}
