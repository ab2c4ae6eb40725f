/** Pure geometry of the dashboard's SVG charts: value axes with round ticks, and which category labels fit. */

/**
 * A value axis from 0: its top and its tick values (round numbers: 1, 2, 2.5 or 5 times a power of ten). `integer`
 * axes (counts) never get fractional ticks: one conversation is not divisible.
 */
export function niceScale(max: number, tickCount = 4, integer = false): { max: number; ticks: number[] } {
  if (!(max > 0)) return { max: 1, ticks: [0, 1] };
  const rough = max / tickCount;
  const power = 10 ** Math.floor(Math.log10(rough));
  const nice = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const step = integer ? Math.max(1, Math.ceil(nice)) : nice;
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return { max: top, ticks };
}

/** Steps a time axis may take, in seconds: round clock amounts (30 s, 5 min, 2 h…) rather than 200 s. */
const TIME_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800,
  604_800,
];

/** A time axis from 0 (seconds) with ticks on round clock amounts. */
export function durationScale(max: number, tickCount = 4): { max: number; ticks: number[] } {
  if (!(max > 0)) return { max: 60, ticks: [0, 60] };
  const rough = max / tickCount;
  const step = TIME_STEPS.find((s) => s >= rough) ?? Math.ceil(rough / 604_800) * 604_800;
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return { max: top, ticks };
}

/** Show every n-th category label so that at most `room` labels are drawn (the first one always). */
export function labelStep(count: number, room: number): number {
  return Math.max(1, Math.ceil(count / Math.max(1, room)));
}

/** Where the bars of one category go: x of each series' bar and their common width, inside a band of `band` units. */
export function barSlots(band: number, series: number, gap = 0.2): { offsets: number[]; width: number } {
  const inner = band * (1 - gap);
  const width = inner / Math.max(1, series);
  const start = (band - inner) / 2;
  return { offsets: Array.from({ length: series }, (_, i) => start + i * width), width };
}

/** Splits a series with gaps (null) into runs of consecutive points, so a line is not drawn across missing days. */
export function segments(values: Array<number | null>): Array<Array<{ index: number; value: number }>> {
  const runs: Array<Array<{ index: number; value: number }>> = [];
  let run: Array<{ index: number; value: number }> = [];
  values.forEach((value, index) => {
    if (value === null) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push({ index, value });
  });
  if (run.length) runs.push(run);
  return runs;
}
