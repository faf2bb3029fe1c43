/**
 * The business calendar: KAM_TIMEZONE (default Asia/Shanghai) decides "today", the current month and
 * every date a user reads of a point in time. At 00:30 Beijing time it is already the next day, while
 * UTC still says the day before — the hour in which a report said the wrong 数据截至 and refused the
 * new month as "in the future".
 */
import { assertNotFuture, systemClock } from '../../src/common/clock';
import { DEFAULT_TIME_ZONE, businessTimeZone, localDateAt, localDateTimeText, setBusinessTimeZone, timeZoneLabel, today } from '../../src/common/dates';
import { loadConfig } from '../../src/config';
import { reportPeriod } from '../../src/modules/reports/report-month';
import { businessTime } from '../../src/modules/reports/cell-values';

/** 00:30 Beijing time on 2026-12-01 is 16:30 UTC on 2026-11-30. */
const FIRST_OF_MONTH_0030 = new Date('2026-11-30T16:30:00Z');
/** 00:30 Beijing time on 2026-12-31. */
const NEW_YEARS_EVE_0030 = new Date('2026-12-30T16:30:00Z');
/** 00:30 Beijing time on 2027-01-01. */
const NEW_YEAR_0030 = new Date('2026-12-31T16:30:00Z');

afterEach(() => setBusinessTimeZone(DEFAULT_TIME_ZONE));

describe('business calendar', () => {
  it('is Beijing time unless configured otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).timeZone).toBe('Asia/Shanghai');
    expect(businessTimeZone()).toBe('Asia/Shanghai');
    expect(loadConfig({ NODE_ENV: 'test', KAM_TIMEZONE: 'Europe/Berlin' }).timeZone).toBe('Europe/Berlin');
    expect(() => loadConfig({ NODE_ENV: 'test', KAM_TIMEZONE: 'Beijing' })).toThrow('KAM_TIMEZONE must be an IANA time zone such as Asia/Shanghai, got "Beijing"');
  });

  it('at 00:30 Beijing time on the 1st, today is the 1st and the new month is the current one', () => {
    expect(today(FIRST_OF_MONTH_0030)).toBe('2026-12-01');
    expect(FIRST_OF_MONTH_0030.toISOString().slice(0, 10)).toBe('2026-11-30'); // what UTC would have said
    const dec = reportPeriod('2026-12', 'month', today(FIRST_OF_MONTH_0030));
    expect(dec).toMatchObject({ month: '2026-12', monthStart: '2026-12-01', asOf: '2026-12-01', prevAsOf: '2025-12-01' });
    // November is over: reported to its last day.
    expect(reportPeriod('2026-11', 'month', today(FIRST_OF_MONTH_0030)).asOf).toBe('2026-11-30');
    // A visit logged at 00:30 on the 1st for the 1st is not "in the future", even with no tolerance.
    const clock = systemClock(0, () => FIRST_OF_MONTH_0030);
    expect(clock.today()).toBe('2026-12-01');
    expect(assertNotFuture(clock, '2026-12-01', 'occurredOn')).toBe('2026-12-01');
    expect(() => assertNotFuture(clock, '2026-12-02', 'occurredOn')).toThrow(expect.objectContaining({ code: 'DATE_IN_FUTURE' }));
  });

  it('on 31 December at 00:30 it is still the old year; at 00:30 on 1 January the new one', () => {
    expect(today(NEW_YEARS_EVE_0030)).toBe('2026-12-31');
    expect(reportPeriod('2026-12', 'month', today(NEW_YEARS_EVE_0030)).asOf).toBe('2026-12-31');
    expect(() => reportPeriod('2027-01', 'month', today(NEW_YEARS_EVE_0030))).toThrow('month: 2027-01 is in the future (this month is 2026-12)');
    expect(today(NEW_YEAR_0030)).toBe('2027-01-01');
    expect(reportPeriod('2027-01', 'month', today(NEW_YEAR_0030))).toMatchObject({ year: 2027, yearStart: '2027-01-01', asOf: '2027-01-01', prevYearStart: '2026-01-01', prevAsOf: '2026-01-01' });
  });

  it('shows points in time as wall-clock text of the business zone, and follows a configured zone', () => {
    expect(localDateTimeText(FIRST_OF_MONTH_0030)).toBe('2026-12-01 00:30');
    expect(businessTime(new Date('2026-12-05T23:48:00Z'))).toBe('2026-12-06 07:48');
    expect(timeZoneLabel()).toBe('北京时间');
    setBusinessTimeZone('UTC');
    expect(today(FIRST_OF_MONTH_0030)).toBe('2026-11-30');
    expect(localDateAt(FIRST_OF_MONTH_0030)).toBe('2026-11-30');
    expect(timeZoneLabel()).toBe('UTC');
    setBusinessTimeZone('America/Los_Angeles');
    expect(today(new Date('2026-03-08T09:30:00Z'))).toBe('2026-03-08'); // 01:30 PST, the night clocks go forward
    expect(() => setBusinessTimeZone('Mars/Olympus')).toThrow('unknown time zone');
  });
});
