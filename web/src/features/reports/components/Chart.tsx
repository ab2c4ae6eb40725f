import type { ReactNode } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { barSlots, durationScale, labelStep, niceScale, segments } from '../chart-scale.ts';

/** One data series: its legend label and a value per category (null: no value, e.g. no median that day). */
export interface Series {
  label: string;
  values: Array<number | null>;
}

interface ChartProps {
  /** The chart's accessible name (also the table's caption). */
  title: string;
  /** The x-axis categories, already formatted (days, broadcast titles, type names). */
  categories: string[];
  /** Stable unique keys of the categories when labels may repeat (two broadcasts with one title); default the labels. */
  keys?: string[];
  series: Series[];
  /** Formats a value for the axis, the tooltips and the table. */
  format: (n: number) => string;
  /** The value axis: counts (whole-number ticks; bar charts' default), seconds (round clock steps) or any number. */
  axis?: 'count' | 'seconds' | 'number';
}

const W = 640;
const H = 220;
const M = { top: 10, right: 10, bottom: 30, left: 56 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

/** Grouped bars per category, drawn as plain SVG; tooltips are <title> elements; a table follows for screen readers. */
export function BarChart(props: ChartProps) {
  const { categories, series, format } = props;
  const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const scale = axisScale(max, props.axis ?? 'count');
  const band = PLOT_W / Math.max(1, categories.length);
  const slots = barSlots(band, series.length);
  return (
    <ChartFrame {...props} scale={scale}>
      {categories.map((category, ci) =>
        series.map((s, si) => {
          const v = s.values[ci] ?? 0;
          const h = (v / scale.max) * PLOT_H;
          return (
            <rect
              key={`${keyOf(props, ci)}-${s.label}`}
              className={`series-${si}`}
              x={M.left + ci * band + slots.offsets[si]!}
              y={M.top + PLOT_H - h}
              width={Math.max(1, slots.width - 1)}
              height={Math.max(v > 0 ? 1 : 0, h)}
            >
              <title>{`${category} · ${s.label}: ${format(v)}`}</title>
            </rect>
          );
        }),
      )}
    </ChartFrame>
  );
}

/** Lines per series across the categories (gaps where a value is missing), with a dot and tooltip per point. */
export function LineChart(props: ChartProps) {
  const { categories, series, format } = props;
  const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const scale = axisScale(max, props.axis ?? 'number');
  const band = PLOT_W / Math.max(1, categories.length);
  const x = (i: number) => M.left + i * band + band / 2;
  const y = (v: number) => M.top + PLOT_H - (v / scale.max) * PLOT_H;
  return (
    <ChartFrame {...props} scale={scale}>
      {series.map((s, si) =>
        segments(s.values).map((run) => (
          <g key={`${s.label}-${run[0]!.index}`} className={`series-${si}`}>
            {run.length > 1 ? (
              <polyline points={run.map((p) => `${x(p.index)},${y(p.value)}`).join(' ')} className="line" />
            ) : null}
            {run.map((p) => (
              <circle key={p.index} cx={x(p.index)} cy={y(p.value)} r={3}>
                <title>{`${categories[p.index]} · ${s.label}: ${format(p.value)}`}</title>
              </circle>
            ))}
          </g>
        )),
      )}
    </ChartFrame>
  );
}

const axisScale = (max: number, axis: NonNullable<ChartProps['axis']>) =>
  axis === 'seconds' ? durationScale(max) : niceScale(max, 4, axis === 'count');

const keyOf = (p: ChartProps, i: number) => p.keys?.[i] ?? p.categories[i]!;

/** Axes, grid, legend and the table fallback around a chart's marks. */
function ChartFrame(props: ChartProps & { scale: { max: number; ticks: number[] }; children: ReactNode }) {
  const { t } = useI18n();
  const { title, categories, series, format, scale } = props;
  const band = PLOT_W / Math.max(1, categories.length);
  const step = labelStep(categories.length, 8);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} preserveAspectRatio="xMidYMid meet">
        {scale.ticks.map((tick) => {
          const ty = M.top + PLOT_H - (tick / scale.max) * PLOT_H;
          return (
            <g key={tick} className="axis">
              <line x1={M.left} x2={W - M.right} y1={ty} y2={ty} className="grid" />
              <text x={M.left - 6} y={ty + 4} textAnchor="end">
                {format(tick)}
              </text>
            </g>
          );
        })}
        <line x1={M.left} x2={W - M.right} y1={M.top + PLOT_H} y2={M.top + PLOT_H} className="axis-line" />
        {categories.map((c, i) =>
          i % step === 0 ? (
            <text
              key={keyOf(props, i)}
              className="axis"
              x={M.left + i * band + band / 2}
              y={H - 10}
              textAnchor="middle"
            >
              {c}
            </text>
          ) : null,
        )}
        {props.children}
      </svg>
      <figcaption className="legend">
        {series.map((s, i) => (
          <span key={s.label}>
            <span className={`swatch series-${i}`} aria-hidden="true" />
            {s.label}
          </span>
        ))}
      </figcaption>
      <details className="chart-table">
        <summary>{t('reports.table')}</summary>
        <table className="table">
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('reports.category')}</th>
              {series.map((s) => (
                <th key={s.label} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {categories.map((c, ci) => (
              <tr key={keyOf(props, ci)}>
                <th scope="row">{c}</th>
                {series.map((s) => {
                  const v = s.values[ci];
                  return <td key={s.label}>{v === null || v === undefined ? '—' : format(v)}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
