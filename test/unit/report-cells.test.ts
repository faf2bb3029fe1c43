/** The report's pure rules: the month, cell values, CSV neutralising, Content-Disposition, 万元 text. */
import { reportPeriod } from '../../src/modules/reports/report-month';
import { contentDisposition, csvLine, csvText, dateCell, fenToWan, headerFooterText, textCell } from '../../src/modules/reports/cell-values';
import { fenToWanText, yoy } from '../../src/modules/reports/report.service';

describe('reportPeriod', () => {
  it('takes a past month to its last day, and the same span a year before', () => {
    expect(reportPeriod('2026-02', 'month', '2026-11-23')).toEqual({
      month: '2026-02', year: 2026, monthStart: '2026-02-01', monthEnd: '2026-02-28', yearStart: '2026-01-01', asOf: '2026-02-28', prevYearStart: '2025-01-01', prevAsOf: '2025-02-28',
    });
    expect(reportPeriod('2024-02', 'month', '2026-11-23')).toMatchObject({ monthEnd: '2024-02-29', prevAsOf: '2023-02-28' });
    expect(reportPeriod('2026-01', 'month', '2026-11-23')).toMatchObject({ yearStart: '2026-01-01', asOf: '2026-01-31', prevYearStart: '2025-01-01', prevAsOf: '2025-01-31' });
    expect(reportPeriod(' 2025-12 ', 'month', '2026-11-23')).toMatchObject({ month: '2025-12', asOf: '2025-12-31' });
  });

  it('reports the current month to date', () => {
    expect(reportPeriod('2026-11', 'month', '2026-11-23')).toMatchObject({ monthEnd: '2026-11-30', asOf: '2026-11-23', prevAsOf: '2025-11-23' });
  });

  it.each(['2026-13', '2026-00', '2026-1', '2026/11', '202611', 'Nov 2026', '', '1899-12'])('refuses "%s" as malformed', (m) => {
    expect(() => reportPeriod(m, 'month', '2026-11-23')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', details: expect.objectContaining({ field: 'month' }) }));
  });

  it('refuses a future month', () => {
    expect(() => reportPeriod('2026-12', 'month', '2026-11-23')).toThrow('month: 2026-12 is in the future (this month is 2026-11)');
  });
});

describe('cell values', () => {
  it('keeps user text as plain strings whatever it starts with, dropping characters XML cannot carry', () => {
    for (const s of ['=1+2', '+86', '-5', '@SUM(A1)', '\t=cmd', '\r=cmd']) expect(textCell(s)).toBe(s);
    expect(textCell('a\u0000b\u0008c\u001Fd\uFFFEe')).toBe('abcde');
    expect(textCell('lone \uD800 surrogate')).toBe('lone  surrogate');
    expect(textCell('emoji 😀 ok')).toBe('emoji 😀 ok');
    expect(textCell('')).toBeNull();
    expect(textCell(null)).toBeNull();
  });

  it('neutralises formula prefixes in CSV and quotes per RFC 4180', () => {
    expect(['=1+2', '+86', '-5', '@x', '\tx', '\rx', 'ok', '中文'].map(csvText)).toEqual(["'=1+2", "'+86", "'-5", "'@x", "'\tx", "'\rx", 'ok', '中文']);
    expect(csvLine(['a,b', 'say "hi"', 'line\nbreak', 1.5, null])).toBe('"a,b","say ""hi""","line\nbreak",1.5,\r\n');
  });

  it('converts money exactly: 分 → 万元 value and two-decimal text', () => {
    expect(fenToWan(26_234_617)).toBe(26.234617);
    expect(fenToWan(1)).toBe(0.000001);
    expect(fenToWanText(26_234_617)).toBe('26.23');
    expect(fenToWanText(26_235_000)).toBe('26.24'); // half away from zero
    expect(fenToWanText(4_999)).toBe('0.00');
    expect(fenToWanText(5_000)).toBe('0.01');
    expect(fenToWanText(123_456_789_012_345)).toBe('123456789.01');
    expect(fenToWanText(-10_000)).toBe('-0.01');
  });

  it('writes calendar dates as that day and computes 同比', () => {
    expect(dateCell('2026-02-03')).toEqual(new Date('2026-02-03T00:00:00Z'));
    expect(dateCell(null)).toBeNull();
    expect(yoy(150, 100)).toBe(0.5);
    expect(yoy(0, 100)).toBe(-1);
    expect(yoy(100, 0)).toBeNull();
  });

  it('escapes & in header/footer text and names downloads in UTF-8 with an ASCII fallback', () => {
    expect(headerFooterText('A&B')).toBe('A&&B');
    expect(contentDisposition('战略客户业务状况报告表-2026-10.xlsx', 'monthly-report-2026-10.xlsx')).toBe(
      "attachment; filename=\"monthly-report-2026-10.xlsx\"; filename*=UTF-8''%E6%88%98%E7%95%A5%E5%AE%A2%E6%88%B7%E4%B8%9A%E5%8A%A1%E7%8A%B6%E5%86%B5%E6%8A%A5%E5%91%8A%E8%A1%A8-2026-10.xlsx",
    );
    expect(contentDisposition("a'(b).xlsx", 'x"y.xlsx')).toBe("attachment; filename=\"x_y.xlsx\"; filename*=UTF-8''a%27%28b%29.xlsx");
  });
});

describe('keepUp (backpressure for the streaming writer)', () => {
  it('stops with OutputClosedError when the output was destroyed (a cancelled download), instead of waiting forever', async () => {
    const { PassThrough } = await import('node:stream');
    const ExcelJS = (await import('exceljs')).default;
    const { keepUp, OutputClosedError } = await import('../../src/modules/reports/xlsx-stream');
    const out = new PassThrough();
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false });
    const ws = wb.addWorksheet('a');
    ws.addRow(['x']).commit();
    await expect(keepUp(ws, out)).resolves.toBeUndefined();
    out.destroy();
    await expect(keepUp(ws, out)).rejects.toBeInstanceOf(OutputClosedError);
  });
});
