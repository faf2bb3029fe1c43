/**
 * The whole demo company (220 accounts, their people, credit evaluations and 3,000+ ledger rows):
 * every annex exported and imported again (dry run) changes nothing, and the monthly report's
 * workbook agrees with figures the test computes itself from the stored rows for the same accounts and month.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { generateDemoData } from '../../seeds/demo/generator';
import { loadDemoData } from '../../seeds/demo/load';
import { systemContext } from '../../src/common/context';
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

  /**
   * The report's money, computed here from the rows themselves (plain SELECTs, summed in the test) by the
   * definitions the product documents — not through `accountStats`, which the report itself calls.
   */
  const independentFigures = async (month: string) => {
    const q = (sql: string) => t().ds.query(sql) as Promise<Record<string, unknown>[]>;
    const day = (v: unknown): string | null => {
      if (v === null || v === undefined) return null;
      if (v instanceof Date) return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
      return String(v).slice(0, 10);
    };
    const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    const monthStart = `${month}-01`;
    const asOf = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
    const yearStart = `${month.slice(0, 4)}-01-01`;
    const accounts = (await q("SELECT a.id, a.status, a.terminated_on, t.code AS tier FROM accounts a JOIN tiers t ON t.id = a.tier_id WHERE t.code IN ('STRATEGIC', 'KEY')"))
      .filter((a) => ['ACTIVE', 'SUSPENDED'].includes(String(a.status)) || (a.status === 'TERMINATED' && (day(a.terminated_on) ?? '') >= monthStart))
      .map((a) => Number(a.id));
    const projects = (await q('SELECT id, account_id, signed_on, contract_amount_fen FROM projects')).map((p) => ({ id: Number(p.id), account: Number(p.account_id), signedOn: day(p.signed_on), fen: n(p.contract_amount_fen) }));
    const byProject = new Map(projects.map((p) => [p.id, p]));
    const ledgerSignings = (await q('SELECT account_id, occurred_on, contract_amount_fen, project_id FROM activities WHERE contract_amount_fen IS NOT NULL')).map((a) => ({
      account: Number(a.account_id), on: day(a.occurred_on)!, fen: Number(a.contract_amount_fen), project: n(a.project_id),
    }));
    const payments = (await q('SELECT account_id, received_on, amount_fen FROM payments')).map((p) => ({ account: Number(p.account_id), on: day(p.received_on)!, fen: Number(p.amount_fen) }));
    const receivables = (await q('SELECT account_id, project_id, due_on, amount_fen FROM receivables')).map((r) => ({ account: Number(r.account_id), project: n(r.project_id), due: day(r.due_on)!, fen: Number(r.amount_fen) }));
    const within = (d: string | null, from: string, to: string) => d !== null && d >= from && d <= to;
    const signed = (account: number, from: string, to: string) =>
      projects.filter((p) => p.account === account && p.fen !== null && within(p.signedOn, from, to)).reduce((s, p) => s + p.fen!, 0) +
      ledgerSignings
        .filter((a) => a.account === account && within(a.on, from, to))
        // A ledger signing on a project with its own recorded contract is that contract, counted once.
        .filter((a) => a.project === null || !(byProject.get(a.project)?.fen != null && byProject.get(a.project)?.signedOn != null))
        .reduce((s, a) => s + a.fen, 0);
    const received = (account: number, from: string, to: string) => payments.filter((p) => p.account === account && within(p.on, from, to)).reduce((s, p) => s + p.fen, 0);
    const paidBy = (account: number) => payments.filter((p) => p.account === account && p.on <= asOf).reduce((s, p) => s + p.fen, 0);
    const owed = (account: number, exists: (r: (typeof receivables)[number]) => boolean) => Math.max(0, receivables.filter((r) => r.account === account && exists(r)).reduce((s, r) => s + r.fen, 0) - paidBy(account));
    return new Map(
      accounts.map((id) => [
        id,
        {
          signedMonthFen: signed(id, monthStart, asOf),
          signedYtdFen: signed(id, yearStart, asOf),
          receivedMonthFen: received(id, monthStart, asOf),
          receivedYtdFen: received(id, yearStart, asOf),
          receivableFen: owed(id, (r) => r.due <= asOf || (r.project !== null && (byProject.get(r.project)?.signedOn ?? '9999') <= asOf)),
          overdueFen: owed(id, (r) => r.due < asOf),
        },
      ]),
    );
  };

  it('the October report: every account row equals the figures computed from the rows, the workbook totals equal the rows', async () => {
    const s = t().services;
    const report = await s.reports.monthlyReport(ctx, '2026-10');
    expect(report.rows.length).toBeGreaterThan(30);
    const expected = await independentFigures('2026-10');
    // The same accounts: the strategic and key ones, active or ended this month.
    expect(report.rows.map((r) => r.accountId).sort((a, b) => a - b)).toEqual([...expected.keys()].sort((a, b) => a - b));
    const keys = ['signedMonthFen', 'signedYtdFen', 'receivedMonthFen', 'receivedYtdFen', 'receivableFen', 'overdueFen'] as const;
    const pick = (r: Record<(typeof keys)[number], number>) => Object.fromEntries(keys.map((k) => [k, r[k]]));
    for (const row of report.rows) expect([row.code, pick(row)]).toEqual([row.code, expected.get(row.accountId)]);
    // The figures are not all zero: the check compares real money.
    for (const k of keys) expect([k, report.rows.some((r) => r[k] > 0)]).toEqual([k, true]);
    for (const k of keys) expect([k, report.total[k]]).toEqual([k, [...expected.values()].reduce((sum, e) => sum + e[k], 0)]);
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
