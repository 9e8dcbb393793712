import { DateTime } from 'luxon';

/**
 * The publishing cadence: at most `postsPerDay` posts a day, the first at `time` (site time), the others spread
 * evenly over the rest of the day (2 a day at 09:00: 09:00 and 16:30). Slots are read in the site's time zone with
 * luxon, so a day keeps its slots across daylight-saving changes.
 */
export interface Cadence {
  postsPerDay: number;
  /** HH:MM */
  time: string;
}

/** A slot must be at least this far ahead, so WordPress receives the post before it is due. */
const LEAD_MS = 2 * 60_000;
/** How far ahead slots are looked for (a year of daily posts). */
const MAX_DAYS = 400;

/** The slots of one local day, as UTC instants. */
export function slotsOfDay(day: DateTime, cadence: Cadence): Date[] {
  const [hours, minutes] = cadence.time.split(':').map(Number) as [number, number];
  const first = day.set({ hour: hours, minute: minutes, second: 0, millisecond: 0 });
  const endOfDay = day.endOf('day');
  const spacingMinutes = Math.floor((endOfDay.diff(first, 'minutes').minutes + 1) / cadence.postsPerDay);
  const slots: Date[] = [];
  for (let k = 0; k < cadence.postsPerDay; k++) {
    slots.push(first.plus({ minutes: k * spacingMinutes }).toJSDate());
  }
  return slots;
}

/** The start of today in the zone (the first day whose slots may be free). */
export function startOfLocalDay(now: Date, timezone: string): Date {
  return DateTime.fromJSDate(now, { zone: timezone }).startOf('day').toJSDate();
}

/**
 * The earliest free slot after now: each day's slots in order, skipping those already taken (a post scheduled
 * within a minute of a slot takes it) and those too close to now.
 */
export function nextFreeSlot(now: Date, timezone: string, cadence: Cadence, taken: Date[]): Date {
  const takenMs = taken.map((d) => d.getTime());
  let day = DateTime.fromJSDate(now, { zone: timezone }).startOf('day');
  for (let i = 0; i < MAX_DAYS; i++, day = day.plus({ days: 1 })) {
    for (const slot of slotsOfDay(day, cadence)) {
      if (slot.getTime() < now.getTime() + LEAD_MS) continue;
      if (takenMs.some((t) => Math.abs(t - slot.getTime()) < 60_000)) continue;
      return slot;
    }
  }
  throw new Error('No free publishing slot within a year');
}

/** Whether `timezone` is an IANA zone luxon (and PostgreSQL, and pg-boss) can read. */
export function isValidZone(timezone: string): boolean {
  return DateTime.now().setZone(timezone).isValid;
}
