/**
 * The rhythm rules as pure functions: interval arithmetic in days, weeks or calendar months, the
 * cut-off dates the compliance SQL compares against, and what a valid rule is. No database.
 */
import { DomainError, ErrorCode } from '../../common/errors';
import { ActivityTypes, type ActivityType } from '../../common/enums';
import { addDays, addMonths, type LocalDate } from '../../common/dates';
import { Channels, type Channel } from '../activities/channel';
import { IntervalUnit, IntervalUnits } from './cadence-status';

/** The longest interval a rule may have, per unit (two years). */
const MAX_INTERVAL: Record<IntervalUnit, number> = { DAY: 730, WEEK: 104, MONTH: 24 };

/** `date` + n units (months clamp to the month's end: 01-31 + 1 month = 02-28). */
export function addInterval(date: LocalDate, n: number, unit: IntervalUnit): LocalDate {
  switch (unit) {
    case IntervalUnit.DAY:
      return addDays(date, n);
    case IntervalUnit.WEEK:
      return addDays(date, 7 * n);
    case IntervalUnit.MONTH:
      return addMonths(date, n);
  }
}

/** The first day D with D + n units ≥ asOf: a last contact before it is overdue. */
export function overdueBefore(asOf: LocalDate, n: number, unit: IntervalUnit = IntervalUnit.MONTH): LocalDate {
  if (unit !== IntervalUnit.MONTH) return addInterval(asOf, -n, unit);
  let d = addDays(addMonths(asOf, -n), -10);
  while (addMonths(d, n) < asOf) d = addDays(d, 1);
  return d;
}

/** The last day D with D + n units ≤ asOf + days: a last contact on or before it is due soon (or overdue). */
export function dueSoonUpTo(asOf: LocalDate, n: number, days: number, unit: IntervalUnit = IntervalUnit.MONTH): LocalDate {
  const limit = addDays(asOf, days);
  if (unit !== IntervalUnit.MONTH) return addInterval(limit, -n, unit);
  let d = addDays(addMonths(limit, -n), 10);
  while (addMonths(d, n) > limit) d = addDays(d, -1);
  return d;
}

/** `每月`, `每2周`, `每6个月` — for names and messages. */
export function intervalText(n: number, unit: IntervalUnit): string {
  const u = unit === IntervalUnit.MONTH ? '个月' : IntervalUnits.label(unit);
  return n === 1 ? `每${unit === IntervalUnit.MONTH ? '月' : u}` : `每${n}${u}`;
}

/** A rule's default name: its types, else its channels (`客户经理拜访`, `电话或邮件`, `任何沟通`). */
export function defaultRuleName(types: readonly ActivityType[], channels: readonly Channel[]): string {
  if (types.length) return types.map((t) => ActivityTypes.label(t)).join('或');
  if (channels.length) return channels.map((c) => Channels.label(c)).join('或');
  return '任何沟通';
}

/** A rule's interval and reminder window are whole numbers in range (VALIDATION_FAILED naming the field). */
export function assertRuleInterval(intervalCount: number, unit: IntervalUnit, dueSoonDays: number, field = 'interval'): void {
  const max = MAX_INTERVAL[unit];
  if (!Number.isInteger(intervalCount) || intervalCount < 1 || intervalCount > max) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: ${intervalCount} must be a whole number of ${unit.toLowerCase()}s from 1 to ${max}`, { field });
  }
  if (!Number.isInteger(dueSoonDays) || dueSoonDays < 0 || dueSoonDays > 180) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `dueSoonDays: ${dueSoonDays} must be a whole number of days from 0 to 180`, { field: 'dueSoonDays' });
  }
}
