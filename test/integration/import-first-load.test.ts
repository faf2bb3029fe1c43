/**
 * A first import into an empty system asks MySQL for no existing accounts batch after batch (its
 * transaction reads one snapshot, in which the table is empty; the file's own accounts are the in-file
 * index's to answer for) — and decides every row as it would with the lookups. Once the table holds
 * accounts, every batch is looked up again; on SQLite always. And the in-file index's filter is sized once
 * for the whole file, from the share of it read, not grown by doubling (each growth reads back every key
 * held), and its temporary file is let go however the import ends.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { EntityManager } from 'typeorm';
import { systemContext } from '../../src/common/context';
import { ImportMode } from '../../src/common/enums';
import { SUMMARY } from '../../importers/annexes';
import { importAnnex } from '../../importers/load/importer';
import { AccountsLoader } from '../../importers/load/accounts-loader';
import { KeyIndex } from '../../importers/load/key-index';
import { describeEachDb } from '../support/db';
import { tmpFile } from '../support/workbooks';

const LOOKUP = /^SELECT id FROM [`"]accounts[`"] WHERE/;

describeEachDb('the first import into an empty system', (t) => {
  const ctx = systemContext('test');

  /** Imports a CSV of 附件1 rows, counting the statements that look up existing accounts. */
  async function run(name: string, lines: string[]) {
    const file = tmpFile(name);
    fs.writeFileSync(file, ['客户编号,客户名称,统一社会信用代码,客户级别', ...lines].join('\n') + '\n');
    const spy = jest.spyOn(EntityManager.prototype, 'query');
    try {
      const { report } = await importAnnex(t().services, ctx, { annex: SUMMARY, file, mode: ImportMode.SKIP_INVALID, batchSize: 500 });
      return { report, lookups: spy.mock.calls.filter(([sql]) => LOOKUP.test(String(sql))).length };
    } finally {
      spy.mockRestore();
    }
  }

  it('looks nothing up while the table was empty (MySQL), and refuses the file\'s own duplicates all the same', async () => {
    const rows = Array.from({ length: 1800 }, (_, i) => `FL${String(i).padStart(4, '0')},首批导入${i}有限公司,,一般`);
    // Later rows naming earlier ones: the same code, the same company under another code, the same name alone.
    rows.push('FL0003,首批导入3有限公司,,一般', 'FLX001,首批导入7有限公司,,一般', ',首批导入9有限公司,,一般');
    const { report, lookups } = await run('first.csv', rows);
    if (t().kind === 'mysql') expect(lookups).toBe(0);
    else expect(lookups).toBeGreaterThanOrEqual(4);
    expect(report.rows.created).toBe(1800);
    expect(report.errors.map((e) => [e.row, e.code])).toEqual([[1802, 'DUPLICATE_ROW'], [1803, 'ALREADY_EXISTS'], [1804, 'DUPLICATE_ROW']]);
  });

  it('looks every batch up once the table holds accounts', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => `SL${String(i).padStart(4, '0')},再次导入${i}有限公司,,一般`);
    rows.push('FL0005,首批导入5有限公司,,一般', 'SLX001,首批导入6有限公司,,一般');
    const { report, lookups } = await run('second.csv', rows);
    expect(lookups).toBeGreaterThanOrEqual(3);
    expect([report.rows.created, report.rows.unchanged]).toEqual([1200, 1]);
    // The company of an account already there, under a new code: refused by what the lookup found.
    expect(report.errors.map((e) => [e.row, e.code])).toEqual([[1203, 'ALREADY_EXISTS']]);
  });

  it('sizes the in-file index once, from the share of the file read, rather than doubling it as the rows come', async () => {
    const n = 24_000;
    const file = tmpFile('sized.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false });
    const ws = wb.addWorksheet('汇总');
    ws.addRow(['客户编号', '客户名称', '统一社会信用代码', '客户级别']).commit();
    for (let i = 0; i < n; i++) ws.addRow([`SZ${String(i).padStart(5, '0')}`, `规模测试${i}有限公司`, null, '一般']).commit();
    ws.commit();
    await wb.commit();
    const events: string[] = [];
    const estimates: number[] = [];
    const expectSpy = jest.spyOn(AccountsLoader.prototype, 'expect').mockImplementation(function (this: AccountsLoader, rowsExpected: number) {
      estimates.push(rowsExpected);
      events.push('expect');
      (this as unknown as { keys: KeyIndex }).keys.reserve(rowsExpected * 3);
    });
    const proto = KeyIndex.prototype as unknown as { rebuild(keys: number): void };
    const rebuild = proto.rebuild;
    const rebuildSpy = jest.spyOn(proto, 'rebuild').mockImplementation(function (this: KeyIndex, keys: number) {
      events.push(`rebuild ${keys}`);
      rebuild.call(this, keys);
    });
    try {
      const { report } = await importAnnex(t().services, ctx, { annex: SUMMARY, file, mode: ImportMode.SKIP_INVALID, batchSize: 1000, parseInWorker: false });
      expect(report.rows.created).toBe(n);
    } finally {
      expectSpy.mockRestore();
      rebuildSpy.mockRestore();
    }
    // Told once, from ten thousand rows on, within a tenth of the file's rows.
    expect(estimates).toHaveLength(1);
    expect(Math.abs(estimates[0] - n) / n).toBeLessThan(0.1);
    // The reservation is the last rebuild: a filter for the whole file (two keys a row here, 客户编号 and the name).
    const rebuilds = events.slice(events.indexOf('expect') + 1);
    expect(rebuilds).toHaveLength(1);
    expect(Number(rebuilds[0].split(' ')[1])).toBeGreaterThanOrEqual(n * 2);
  });

  it('lets go of the in-file index (its temporary file) when the import ends, and when it fails', async () => {
    const close = jest.spyOn(KeyIndex.prototype, 'close');
    try {
      const file = tmpFile('closed.csv');
      fs.writeFileSync(file, ['客户编号,客户名称,统一社会信用代码,客户级别', ...Array.from({ length: 30 }, (_, i) => `CL${i},关闭测试${i}有限公司,,一般`)].join('\n') + '\n');
      await importAnnex(t().services, ctx, { annex: SUMMARY, file, mode: ImportMode.SKIP_INVALID });
      expect(close).toHaveBeenCalledTimes(1);
      await expect(importAnnex(t().services, ctx, { annex: SUMMARY, file, timeLimitMs: 0, batchSize: 10 })).rejects.toMatchObject({ code: 'TIME_LIMIT' });
      expect(close).toHaveBeenCalledTimes(2);
    } finally {
      close.mockRestore();
    }
  });
});
