/**
 * The whole demo company (220 accounts, their people, credit evaluations and 3,000+ ledger rows):
 * every annex exported and imported again (dry run) changes nothing, and the monthly report's
 * workbook agrees with `accountStats` for the same accounts and month.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { generateDemoData } from '../../seeds/demo/generator';
import { loadDemoData } from '../../seeds/demo/load';
import { systemContext } from '../../src/common/context';
import { AccountStatsDimension } from '../../src/modules/analytics/analytics.service';
import { ImportAnnex, ImportMode } from '../../src/common/enums';
import { ANNEXES } from '../../importers/annexes';
import { importAnnex } from '../../importers/load/importer';
import { describeEachDb } from '../support/db';
import { tmpFile } from '../support/workbooks';

const AS_OF = '2026-10-31';

describeEachDb('demo company: export → import round trip and the report', (t) => {
  const ctx = systemContext('test');

  beforeAll(async () => {
    await loadDemoData(t().services, generateDemoData({ asOf: AS_OF }));
  }, 300_000);

  const write = async (name: string, w: (s: fs.WriteStream) => Promise<unknown>) => {
    const file = tmpFile(name);
    const stream = fs.createWriteStream(file);
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    await w(stream);
    await closed;
    return file;
  };

  it.each([ImportAnnex.SUMMARY, ImportAnnex.ARCHIVE, ImportAnnex.PERSONS, ImportAnnex.LEDGER])('%s round-trips with nothing to create or update', async (annex) => {
    const s = t().services;
    let rows = 0;
    const file = await write(`${annex}.xlsx`, async (stream) => (rows = await s.exports.write(ctx, await s.exports.prepare(ctx, annex), stream)));
    expect(rows).toBeGreaterThan(200);
    const { report } = await importAnnex(s, ctx, { annex: ANNEXES[annex], file, dryRun: true, mode: ImportMode.ATOMIC });
    expect(report.errors).toEqual([]);
    expect(report.rows).toMatchObject({ total: rows, valid: rows, invalid: 0, created: 0, updated: 0, unchanged: rows });
  }, 120_000);

  it('the October report: every account row equals accountStats, the workbook totals equal the rows', async () => {
    const s = t().services;
    const report = await s.reports.monthlyReport(ctx, '2026-10');
    expect(report.rows.length).toBeGreaterThan(30);
    const stats = await s.analytics.accountStats(ctx, { groupBy: [AccountStatsDimension.ACCOUNT], filter: { tierCodes: ['STRATEGIC', 'KEY'] }, from: '2026-10-01', to: '2026-10-31' });
    const byId = new Map(stats.rows.map((r) => [r.accountId, r]));
    for (const row of report.rows) {
      const x = byId.get(row.accountId)!;
      expect([row.code, row.signedMonthFen, row.receivedMonthFen, row.receivableFen, row.overdueFen]).toEqual([row.code, x.signedFen, x.receivedFen, x.receivableFen, x.overdueFen]);
    }
    const file = await write('report.xlsx', (stream) => s.reports.writeWorkbook(ctx, report, stream));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const detail = wb.getWorksheet('明细')!;
    const total = detail.getRow(4 + report.rows.length);
    expect(total.getCell(1).value).toBe('合计');
    const sumOf = (col: number) => {
      let fen = 0;
      for (let r = 4; r < 4 + report.rows.length; r++) fen += Math.round((detail.getRow(r).getCell(col).value as number) * 1_000_000);
      return fen;
    };
    for (const [col, key] of [[7, 'signedMonthFen'], [8, 'signedYtdFen'], [12, 'receivedYtdFen'], [13, 'receivableFen'], [14, 'overdueFen']] as const) {
      const cell = total.getCell(col).value as { formula: string; result: number };
      expect(Math.round(cell.result * 1_000_000)).toBe(report.total[key]);
      expect(sumOf(col)).toBe(report.total[key]);
    }
  }, 120_000);
});
