/** The month a report is for: `YYYY-MM`, not in the future, with the dates its figures are taken over. */
import { DomainError, ErrorCode } from '../../common/errors';
import { addDays, addMonths, today, type LocalDate } from '../../common/dates';

export interface ReportPeriod {
  /** `YYYY-MM` */
  month: string;
  year: number;
  /** First day of the month. */
  monthStart: LocalDate;
  /** Last day of the month. */
  monthEnd: LocalDate;
  /** First day of the year. */
  yearStart: LocalDate;
  /**
   * The date figures are taken at: the month's last day, or today for the current month (a month in
   * progress is reported to date).
   */
  asOf: LocalDate;
  /** The same span one year earlier (上年同期): Jan 1 to the as-of date's day a year before. */
  prevYearStart: LocalDate;
  prevAsOf: LocalDate;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * Parses and checks a report month. Malformed (`2026-13`, `2026/10`, `202610`) or later than the
 * current month → VALIDATION_FAILED naming `field` (BAD_USER_INPUT over GraphQL, 400 over HTTP,
 * exit 2 in the CLI).
 */
export function reportPeriod(input: string, field = 'month', now: LocalDate = today()): ReportPeriod {
  const m = MONTH.exec(String(input ?? '').trim());
  if (!m || Number(m[1]) < 1900) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: "${input}" is not a month: write YYYY-MM, e.g. ${now.slice(0, 7)}`, { field, value: input });
  }
  const month = `${m[1]}-${m[2]}`;
  if (month > now.slice(0, 7)) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: ${month} is in the future (this month is ${now.slice(0, 7)}); a report covers a past or the current month`, { field, value: input });
  }
  const monthStart = `${month}-01`;
  const monthEnd = addDays(addMonths(monthStart, 1), -1);
  const asOf = monthEnd < now ? monthEnd : now;
  const year = Number(m[1]);
  return {
    month,
    year,
    monthStart,
    monthEnd,
    yearStart: `${year}-01-01`,
    asOf,
    prevYearStart: `${year - 1}-01-01`,
    prevAsOf: addMonths(asOf, -12),
  };
}
