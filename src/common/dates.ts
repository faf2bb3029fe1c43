/**
 * Calendar dates (no time) travel as `YYYY-MM-DD` strings end to end.
 *
 * The business calendar: users live in one time zone (`KAM_TIMEZONE`, default Asia/Shanghai), which
 * decides "today", the current month and every date a user reads of a point in time; storage and logs
 * stay UTC. The zone is set once at start ({@link setBusinessTimeZone}, from the config) and read here
 * only: {@link today} and {@link localDateAt} are the one way from an instant to a calendar date.
 * {@link toLocalDate} is calendar arithmetic on UTC-midnight dates, never an instant's day.
 */
import { say } from './messages';
import { DomainError, ErrorCode } from './errors';

/** The zone users live in unless `KAM_TIMEZONE` says otherwise. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

let businessZone = DEFAULT_TIME_ZONE;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when the runtime knows `zone` as an IANA time zone (`Asia/Shanghai`, `UTC`). */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.trim() !== '';
  } catch {
    return false;
  }
}

/** Sets the business time zone (the config does, once at start). */
export function setBusinessTimeZone(zone: string): void {
  if (!isValidTimeZone(zone)) throw new Error(`unknown time zone "${zone}"`);
  businessZone = zone;
}

export function businessTimeZone(): string {
  return businessZone;
}

function parts(instant: Date, zone: string): Record<string, string> {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, f);
  }
  const out: Record<string, string> = {};
  for (const p of f.formatToParts(instant)) out[p.type] = p.value;
  return out;
}

/** The calendar day an instant falls on in the business time zone (16:30 UTC on 11-30 → 2026-12-01 in Beijing). */
export function localDateAt(instant: Date, zone = businessZone): LocalDate {
  const p = parts(instant, zone);
  return `${p.year.padStart(4, '0')}-${p.month}-${p.day}`;
}

/** An instant as wall-clock text in the business time zone: `2026-12-01 00:30`. */
export function localDateTimeText(instant: Date, zone = businessZone): string {
  const p = parts(instant, zone);
  return `${localDateAt(instant, zone)} ${p.hour}:${p.minute}`;
}

/** How users name the business time zone: 北京时间 for China's zone, else the IANA name. */
export function timeZoneLabel(zone = businessZone): string {
  return zone === 'Asia/Shanghai' || zone === 'Asia/Chongqing' || zone === 'PRC' ? '北京时间' : zone;
}

export type LocalDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidLocalDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

export function assertLocalDate(value: string, field = 'date'): LocalDate {
  if (!isValidLocalDate(value)) throw new DomainError(ErrorCode.INVALID_DATE, `${field}: ${say(`「${value}」不是日期（YYYY-MM-DD）`, `"${value}" is not a date (YYYY-MM-DD)`)}`, { field, value });
  return value;
}

/** The `YYYY-MM-DD` of a UTC-midnight calendar date (date arithmetic); an instant's day is {@link localDateAt}. */
export function toLocalDate(d: Date): LocalDate {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return toLocalDate(d);
}

/** Adds calendar months, clamping to the month's last day (01-31 + 1 month → 02-28/29). */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const [y, m, day] = date.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total % 12;
  const last = new Date(Date.UTC(ny, nm + 1, 0)).getUTCDate();
  return toLocalDate(new Date(Date.UTC(ny, nm, Math.min(day, last))));
}

/** Today in the business time zone (`now` for tests and for callers that fix one instant). */
export function today(now: Date = new Date()): LocalDate {
  return localDateAt(now);
}

/** A `YYYY-MM-DD` date from input, today when absent. */
export function dateOrToday(value: string | null | undefined, field: string): LocalDate {
  return value ? assertLocalDate(value, field) : today();
}
