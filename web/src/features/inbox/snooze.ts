/** Snooze presets, each an instant computed in the user's time zone. */
export type SnoozePreset = 'oneHour' | 'tomorrow' | 'nextWeek';

/** The offset (ms) of a time zone from UTC at an instant. */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant the wall clock of `timeZone` shows y-m-d h:00 (two passes settle a DST change). */
function atLocal(y: number, m: number, d: number, h: number, timeZone: string): Date {
  let guess = Date.UTC(y, m, d, h);
  for (let i = 0; i < 2; i += 1) guess = Date.UTC(y, m, d, h) - zoneOffset(guess, timeZone);
  return new Date(guess);
}

/** When a preset ends: in an hour, tomorrow 9:00, or next Monday 9:00 in the user's zone. */
export function snoozeUntil(preset: SnoozePreset, now: Date, timeZone: string): Date {
  if (preset === 'oneHour') return new Date(now.getTime() + 3_600_000);
  const local = new Date(now.getTime() + zoneOffset(now.getTime(), timeZone));
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  const d = local.getUTCDate();
  if (preset === 'tomorrow') return atLocal(y, m, d + 1, 9, timeZone);
  const weekday = local.getUTCDay(); // 0 = Sunday
  const daysToMonday = (8 - weekday) % 7 || 7;
  return atLocal(y, m, d + daysToMonday, 9, timeZone);
}
