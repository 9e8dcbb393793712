import type { TUsageDaily } from '@igny8/shared';
import { __, sprintf } from '@wordpress/i18n';
import { formatDay, formatNumber } from '../lib/format';

/** Series colours: distinct, and each at least 3:1 against white (WCAG non-text contrast). */
const COLORS = ['#3858e9', '#b32d2e', '#007017', '#8a4d00', '#6c3bb3', '#005a87', '#a3195b', '#50575e'];
export const seriesColor = (index: number) => COLORS[index % COLORS.length]!;

const WIDTH = 720;
const HEIGHT = 220;
const AXIS = 40;

/**
 * Credits per day as stacked bars (an SVG drawn here: a few dozen rectangles need no chart library, and the page
 * stays small). The picture is summarised for screen readers; the table next to it carries every number.
 */
export function UsageChart({ usage, titleId }: { usage: TUsageDaily; titleId: string }) {
  const max = Math.max(1, ...usage.totals);
  const slot = (WIDTH - AXIS) / usage.days.length;
  const bar = Math.max(1, slot * 0.7);
  const scale = (credits: number) => (credits / max) * (HEIGHT - 20);
  const busiest = usage.totals.indexOf(Math.max(...usage.totals));
  const summary =
    usage.total === 0
      ? __('No credits were used in this period.', 'igny8')
      : sprintf(
          /* translators: 1: credits, 2: number of days, 3: busiest day, 4: credits that day */
          __('%1$s credits used over %2$d days; the most on %3$s (%4$s).', 'igny8'),
          formatNumber(usage.total),
          usage.days.length,
          formatDay(usage.days[busiest]!),
          formatNumber(usage.totals[busiest]!),
        );
  return (
    <figure className="igny8-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT + 24}`}
        role="img"
        aria-labelledby={titleId}
        aria-describedby={`${titleId}-summary`}
        preserveAspectRatio="none"
      >
        <line x1={AXIS} x2={WIDTH} y1={HEIGHT} y2={HEIGHT} stroke="#8c8f94" />
        <text x={AXIS - 6} y={HEIGHT - scale(max) + 4} textAnchor="end" fontSize="11" fill="#50575e">
          {formatNumber(max)}
        </text>
        <text x={AXIS - 6} y={HEIGHT} textAnchor="end" fontSize="11" fill="#50575e">
          0
        </text>
        {usage.days.map((day, i) => {
          let y = HEIGHT;
          const x = AXIS + i * slot + (slot - bar) / 2;
          return (
            <g key={day}>
              {usage.series.map((series, s) => {
                const h = scale(series.credits[i]!);
                if (h <= 0) return null;
                y -= h;
                return <rect key={series.key ?? 'none'} x={x} y={y} width={bar} height={h} fill={seriesColor(s)} />;
              })}
              {i % Math.ceil(usage.days.length / 6) === 0 ? (
                <text x={x + bar / 2} y={HEIGHT + 16} textAnchor="middle" fontSize="11" fill="#50575e">
                  {formatDay(day)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <p id={`${titleId}-summary`}>{summary}</p>
        {usage.series.length ? (
          <ul className="igny8-chart__legend">
            {usage.series.map((series, s) => (
              <li key={series.key ?? 'none'}>
                <span className="igny8-chart__swatch" style={{ background: seriesColor(s) }} aria-hidden="true" />
                {series.label}: {formatNumber(series.total)}
              </li>
            ))}
          </ul>
        ) : null}
      </figcaption>
    </figure>
  );
}

/** The chart's numbers as a table: a row per day, a column per site or operation, and the day's total. */
export function UsageTable({ usage, caption }: { usage: TUsageDaily; caption: string }) {
  return (
    <div className="igny8-chart-table" tabIndex={0} role="region" aria-label={caption}>
      <table className="igny8-table" data-testid="usage-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{__('Day', 'igny8')}</th>
            {usage.series.map((series) => (
              <th scope="col" key={series.key ?? 'none'}>
                {series.label}
              </th>
            ))}
            <th scope="col">{__('Total', 'igny8')}</th>
          </tr>
        </thead>
        <tbody>
          {usage.days
            .map((day, i) => ({ day, i }))
            .reverse()
            .map(({ day, i }) => (
              <tr key={day}>
                <th scope="row">
                  <time dateTime={day}>{formatDay(day)}</time>
                </th>
                {usage.series.map((series) => (
                  <td key={series.key ?? 'none'}>{formatNumber(series.credits[i]!)}</td>
                ))}
                <td>{formatNumber(usage.totals[i]!)}</td>
              </tr>
            ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{__('All days', 'igny8')}</th>
            {usage.series.map((series) => (
              <td key={series.key ?? 'none'}>{formatNumber(series.total)}</td>
            ))}
            <td data-testid="usage-total">{formatNumber(usage.total)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
