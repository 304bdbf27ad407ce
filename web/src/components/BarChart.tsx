import { useId } from 'react';

export interface ChartSeries {
  name: string;
  /** One value per category; null draws nothing (no data). */
  values: (number | null)[];
  /** A CSS class that colours the series (fill), defined in reports.css: series-1 … series-4. */
  tone: 'series-1' | 'series-2' | 'series-3' | 'series-4';
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const scaled = value / power;
  const step = scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 2.5 ? 2.5 : scaled <= 5 ? 5 : 10;
  return step * power;
}

/**
 * A small grouped bar chart in plain SVG (no inline styles: colours come from classes, sizes from
 * presentation attributes, so it passes a strict CSP). It is an image with a text summary; the
 * numbers themselves are in the data table that goes with it.
 */
export function BarChart({
  title,
  summary,
  categories,
  series,
  format = (v) => String(v),
  unit,
}: {
  title: string;
  summary: string;
  categories: string[];
  series: ChartSeries[];
  /** Formats an axis tick or a value; `max` is the top of the axis, to pick the unit. */
  format?: (value: number, max: number) => string;
  unit?: string;
}) {
  const id = useId();
  const width = 640;
  const height = 220;
  const margin = { top: 12, right: 8, bottom: 28, left: 48 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const all = series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const max = niceMax(Math.max(0, ...all));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const band = plotW / Math.max(1, categories.length);
  const groupW = band * 0.72;
  const barW = groupW / Math.max(1, series.length);
  const every = categories.length > 12 ? Math.ceil(categories.length / 12) : 1;
  const y = (v: number) => margin.top + plotH - (v / max) * plotH;

  return (
    <figure className="chart">
      <figcaption className="chart-title" id={`${id}-title`}>
        {title}
      </figcaption>
      <svg className="chart-svg" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} preserveAspectRatio="xMidYMid meet">
        <desc id={`${id}-desc`}>{summary}</desc>
        {ticks.map((t) => (
          <g key={t} className="chart-grid">
            <line x1={margin.left} x2={width - margin.right} y1={y(t)} y2={y(t)} />
            <text x={margin.left - 6} y={y(t)} dy="0.32em" textAnchor="end" className="chart-axis">
              {format(t, max)}
            </text>
          </g>
        ))}
        {categories.map((category, i) => {
          const x0 = margin.left + i * band + (band - groupW) / 2;
          return (
            <g key={category}>
              {series.map((s, j) => {
                const v = s.values[i];
                if (v === null || v === undefined) return null;
                const top = y(v);
                return (
                  <rect key={s.name} className={`chart-bar ${s.tone}`} x={x0 + j * barW} y={top} width={Math.max(1, barW - 2)} height={Math.max(0, margin.top + plotH - top)}>
                    <title>
                      {category}, {s.name}: {format(v, max)}
                      {unit ? ` ${unit}` : ''}
                    </title>
                  </rect>
                );
              })}
              {i % every === 0 && (
                <text x={margin.left + i * band + band / 2} y={height - 8} textAnchor="middle" className="chart-axis">
                  {category}
                </text>
              )}
            </g>
          );
        })}
        <line className="chart-baseline" x1={margin.left} x2={width - margin.right} y1={margin.top + plotH} y2={margin.top + plotH} />
      </svg>
      <ul className="chart-legend" aria-label="Legend">
        {series.map((s) => (
          <li key={s.name}>
            <span className={`chart-swatch ${s.tone}`} aria-hidden="true" />
            {s.name}
          </li>
        ))}
      </ul>
    </figure>
  );
}
