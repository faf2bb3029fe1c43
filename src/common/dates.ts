/** Calendar dates (no time) travel as `YYYY-MM-DD` strings end to end. */
import { DomainError, ErrorCode } from './errors';

export type LocalDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidLocalDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

export function assertLocalDate(value: string, field = 'date'): LocalDate {
  if (!isValidLocalDate(value)) throw new DomainError(ErrorCode.INVALID_DATE, `${field}: "${value}" is not a date (YYYY-MM-DD)`, { field, value });
  return value;
}

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

export function today(): LocalDate {
  return toLocalDate(new Date());
}

/** A `YYYY-MM-DD` date from input, today when absent. */
export function dateOrToday(value: string | null | undefined, field: string): LocalDate {
  return value ? assertLocalDate(value, field) : today();
}
