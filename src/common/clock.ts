/**
 * The business calendar the rules read: "today" and how far a date that describes the past may lie
 * ahead of it (clock skew between a branch's PC and the server, a visit logged late at night). Pure:
 * the config gives the tolerance, `today()` the day; rules take a Clock so tests can pin both.
 */
import { say } from './messages';
import { DomainError, ErrorCode } from './errors';
import { addDays, today, type LocalDate } from './dates';

export interface Clock {
  today(): LocalDate;
  /** Days a past-describing date may lie after today (KAM_FUTURE_DATE_TOLERANCE_DAYS). */
  readonly futureToleranceDays: number;
}

/** Today in the business time zone (KAM_TIMEZONE); `now` pins the instant in tests. */
export function systemClock(futureToleranceDays: number, now: () => Date = () => new Date()): Clock {
  return { today: () => today(now()), futureToleranceDays };
}

/**
 * DATE_IN_FUTURE when `date` — a visit, a consent, a payment, an evaluation, a decision's effect —
 * lies after today plus the tolerance: such dates describe what happened, so they cannot be ahead.
 */
export function assertNotFuture(clock: Clock, date: LocalDate, field: string, what = say('此日期记的是已发生的事', 'this date describes something that happened')): LocalDate {
  const latest = addDays(clock.today(), clock.futureToleranceDays);
  if (date > latest) {
    throw new DomainError(ErrorCode.DATE_IN_FUTURE, `${field}: ${say(`${date} 在将来（今天是 ${clock.today()}）：${what}`, `${date} is in the future (today is ${clock.today()}); ${what}`)}`, { field, value: date });
  }
  return date;
}

/** The same for a year (an evaluation year): not after the current one. */
export function assertYearNotFuture(clock: Clock, year: number, field: string): number {
  const latest = Number(addDays(clock.today(), clock.futureToleranceDays).slice(0, 4));
  if (year > latest) throw new DomainError(ErrorCode.DATE_IN_FUTURE, `${field}: ${say(`${year} 是将来的年度：年度开始后才能评价`, `${year} is a future year; a year is evaluated once it has begun`)}`, { field, value: year });
  return year;
}

/** The half-year `today` lies in, as a review period (2026H2). */
export function currentHalfYear(clock: Clock): string {
  const d = clock.today();
  return `${d.slice(0, 4)}H${Number(d.slice(5, 7)) <= 6 ? 1 : 2}`;
}
