import { Link, useParams, useSearchParams } from 'react-router';
import { BarChart } from '../../components/BarChart';
import { Empty, LoadError, Loading, PageHeader } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { programsApi } from '../reports/api';
import { formatDuration, formatHours } from '../reports/labels';
import type { SlaMonth, SlaStat } from '../reports/types';
import '../reports/reports.css';

const MONTH_CHOICES = [6, 12, 24];
const monthName = new Intl.DateTimeFormat(undefined, { month: 'short', year: '2-digit', timeZone: 'UTC' });
const monthLabel = (month: string) => monthName.format(new Date(`${month}-01T00:00:00Z`));

const METRICS = [
  { key: 'firstResponseHours', title: 'First response', target: 'firstResponse' },
  { key: 'triageHours', title: 'Triage', target: 'triage' },
  { key: 'bountyHours', title: 'Bounty', target: 'bounty' },
  { key: 'resolutionHours', title: 'Resolution', target: 'resolution' },
] as const;

/** Hours on the chart axis, in the unit the axis's top calls for: minutes, hours or days. */
function axisHours(h: number, max: number): string {
  if (h === 0) return '0';
  if (max < 2) return `${Math.round(h * 60 * 10) / 10}m`;
  if (max < 96) return `${Math.round(h * 10) / 10}h`;
  return `${Math.round((h / 24) * 10) / 10}d`;
}

function describe(months: SlaMonth[], pick: (m: SlaMonth) => SlaStat): string {
  const known = months.filter((m) => pick(m).median !== null);
  if (known.length === 0) return 'No reports reached or awaited this step in the period.';
  const last = known[known.length - 1]!;
  return `Median and 90th percentile per month. Latest month with data, ${monthLabel(last.month)}: median ${formatHours(pick(last).median)}, 90th percentile ${formatHours(pick(last).p90)}.`;
}

/** Leads and staff: response times per month (median, 90th percentile) and the open backlog. */
export function SlaDashboardPage() {
  const { slug = '' } = useParams();
  const [params] = useSearchParams();
  const months = MONTH_CHOICES.includes(Number(params.get('months'))) ? Number(params.get('months')) : 12;
  const program = useResource((signal) => programsApi.get(slug, signal), [slug]);
  const data = useResource((signal) => programsApi.sla(slug, months, signal), [slug, months]);
  const name = program.data?.name ?? slug;
  useTitle(`Response times · ${name}`);
  const rows = data.data?.months ?? [];
  const categories = rows.map((m) => monthLabel(m.month));
  const anything = rows.some((m) => m.submitted > 0 || m.openAtEnd > 0);
  // The bounty step only exists in a bounty programme (a VDP pays none).
  const metrics = METRICS.filter((metric) => metric.key !== 'bountyHours' || program.data?.kind === 'bounty');
  const clockName = program.data?.businessDays ? 'business hours' : 'hours';

  return (
    <section className="page sla-page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <ol>
          <li>
            <Link to="/admin/programs">Manage programmes</Link>
          </li>
          <li>
            <Link to={`/programs/${slug}`}>{name}</Link>
          </li>
          <li aria-current="page">Response times</li>
        </ol>
      </nav>
      <PageHeader
        title={`Response times: ${name}`}
        description="By month of submission (UTC): how long reports waited for each step, and how many were still open at the end of each month. Reports still waiting count with their wait so far; reports closed without a step are left out of it."
        actions={
          <nav className="segmented" aria-label="Period">
            {MONTH_CHOICES.map((n) => (
              <Link key={n} to={{ search: `?months=${n}` }} aria-current={n === months ? 'page' : undefined}>
                {n} months
              </Link>
            ))}
          </nav>
        }
      />
      {program.data && (
        <p className="hint">
          Targets: first response {formatDuration(program.data.responseTargets.firstResponse)}, triage {formatDuration(program.data.responseTargets.triage)},
          {program.data.kind === 'bounty' ? ` bounty ${formatDuration(program.data.responseTargets.bounty)} (to the first reward awarded),` : ''} resolution{' '}
          {formatDuration(program.data.responseTargets.resolution)}
          {program.data.businessDays ? ' (business days: figures count weekday time only, Monday to Friday UTC)' : ''}.
        </p>
      )}
      {data.loading && !data.data && <Loading />}
      {data.error && <LoadError error={data.error} onRetry={data.reload} />}
      {data.data && !anything && <Empty>No reports in this period.</Empty>}
      {data.data && anything && (
        <>
          <div className="chart-grid-layout">
            {metrics.map((metric) => (
              <BarChart
                key={metric.key}
                title={`${metric.title}: ${clockName} to reach it`}
                summary={describe(rows, (m) => m[metric.key])}
                categories={categories}
                format={axisHours}
                unit=""
                series={[
                  { name: 'Median', values: rows.map((m) => m[metric.key].median), tone: 'series-1' },
                  { name: '90th percentile', values: rows.map((m) => m[metric.key].p90), tone: 'series-2' },
                ]}
              />
            ))}
            <BarChart
              title="Backlog and breaches"
              summary={`Reports open at the end of each month, and targets missed. Last month: ${rows[rows.length - 1]?.openAtEnd ?? 0} open, ${rows[rows.length - 1]?.breaches ?? 0} breaches.`}
              categories={categories}
              series={[
                { name: 'Open at month end', values: rows.map((m) => m.openAtEnd), tone: 'series-3' },
                { name: 'Targets missed', values: rows.map((m) => m.breaches), tone: 'series-4' },
              ]}
              format={(v) => String(Math.round(v))}
            />
          </div>

          <h2 className="step-heading">The numbers</h2>
          <div className="table-wrap">
            <table className="table sla-table">
              <caption className="visually-hidden">Response times per month: medians and 90th percentiles, breaches and open backlog</caption>
              <thead>
                <tr>
                  <th scope="col">Month</th>
                  <th scope="col" className="num">
                    Submitted
                  </th>
                  <th scope="col" className="num">
                    First response <span className="th-sub">median / p90</span>
                  </th>
                  <th scope="col" className="num">
                    Triage <span className="th-sub">median / p90</span>
                  </th>
                  {program.data?.kind === 'bounty' && (
                    <th scope="col" className="num">
                      Bounty <span className="th-sub">median / p90</span>
                    </th>
                  )}
                  <th scope="col" className="num">
                    Resolution <span className="th-sub">median / p90</span>
                  </th>
                  <th scope="col" className="num">
                    Breaches
                  </th>
                  <th scope="col" className="num">
                    Open at end
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((m) => (
                  <tr key={m.month}>
                    <th scope="row">{monthLabel(m.month)}</th>
                    <td className="num">{m.submitted}</td>
                    {metrics.map((metric) => (
                      <td key={metric.key} className="num">
                        {formatHours(m[metric.key].median)} / {formatHours(m[metric.key].p90)}
                      </td>
                    ))}
                    <td className="num">{m.breaches}</td>
                    <td className="num">{m.openAtEnd}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
