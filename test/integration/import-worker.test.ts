/**
 * Issue 17: a large file is read and validated in a worker thread while the main thread writes. On
 * every database: the threaded import gives the report, errors workbook and rows the in-process one
 * gives; a file it cannot read fails with the same code and one-line message; a worker that dies
 * mid-file fails the import with nothing written and its job FAILED; `kam import` (dist/) reads a
 * file over the threshold in its worker and exits as it would in-process.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import workerThreads from 'node:worker_threads';
import ExcelJS from 'exceljs';
import { systemContext } from '../../src/common/context';
import { ImportMode } from '../../src/common/enums';
import { ARCHIVE } from '../../importers/annexes';
import { importAnnex, type ImportOptions, type ImportReport } from '../../importers/load/importer';
import { PARSE_WORKER_MIN_BYTES } from '../../importers/read/row-feed';
import { describeEachDb } from '../support/db';
import { tmpFile, zip, type Cell } from '../support/workbooks';
import { builtCli } from '../support/built-cli';

const TODAY = '2026-10-31';
const KAM = builtCli();
const ARCHIVE_HEADER = ['序号', '客户编号', '单位名称', '统一社会信用代码', '建档日期', '客户级别', '推荐单位', '客户经理', '后续合同成交额（万元）', '年合作销售额（万元）', '评价年度', '信用等级', '年度结论', '自编备注'];

/** `n` archive rows across two sheets; every 97th has an unknown tier, every 89th an impossible date (a date-formatted cell). */
async function archiveFile(n: number, name = 'archive.xlsx'): Promise<{ file: string; bad: number }> {
  let bad = 0;
  const rows = (from: number, to: number): Cell[][] => {
    const out: Cell[][] = [];
    for (let i = from; i < to; i++) {
      const badTier = i % 97 === 5;
      const badDate = i % 89 === 7;
      if (badTier || badDate) bad++;
      out.push([i + 1, `KW${String(i).padStart(5, '0')}`, `线程测试客户${i}有限公司`, null, badDate ? '2025-02-30' : 45000 + (i % 300), badTier ? '钻石级' : ['战略', '重点', '一般'][i % 3], '华东分公司', null, (i % 50) * 10, i % 7 === 0 ? '1.2亿' : 300, i % 5 === 0 ? 2025 : null, i % 5 === 0 ? 'AA' : null, i % 5 === 0 ? '加强攻关' : null, `备注${i}`]);
    }
    return out;
  };
  const half = Math.floor(n / 2);
  const file = tmpFile(name);
  const wb = new ExcelJS.Workbook();
  for (const [sheet, from, to] of [['档案一', 0, half], ['档案二', half, n]] as const) {
    const ws = wb.addWorksheet(sheet);
    ws.addRow(['附件2 大客户信息管理档案']);
    ws.addRow(ARCHIVE_HEADER);
    for (const r of rows(from, to)) {
      const row = ws.addRow(r);
      if (typeof r[4] === 'number') row.getCell(5).numFmt = 'yyyy"年"m"月"d"日"';
    }
  }
  await wb.xlsx.writeFile(file);
  return { file, bad };
}

/** The report without what differs between two runs of the same file (the job's id). */
const comparable = (r: ImportReport) => ({ ...r, job: 0 });

describeEachDb('import parsed in a worker thread', (t) => {
  const ctx = systemContext('test');
  const run = (file: string, o: Partial<ImportOptions> = {}) => importAnnex(t().services, ctx, { annex: ARCHIVE, file, today: TODAY, batchSize: 200, ...o });
  const count = async (table: string) => Number((await t().ds.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  afterEach(() => jest.restoreAllMocks());

  it('reports, rejects and writes exactly what the in-process import does', async () => {
    const { file, bad } = await archiveFile(1500);
    const RealWorker = workerThreads.Worker;
    const spawned = jest.spyOn(workerThreads, 'Worker').mockImplementation((...args: ConstructorParameters<typeof workerThreads.Worker>) => new RealWorker(...args));
    const inProcessErrors = tmpFile('errors-in-process.xlsx');
    const threadedErrors = tmpFile('errors-threaded.xlsx');
    // Dry runs first (nothing written, both see the same database), then both modes for real.
    const dryInProcess = await run(file, { dryRun: true, parseInWorker: false, errorsOut: inProcessErrors });
    expect(spawned).not.toHaveBeenCalled();
    const dryThreaded = await run(file, { dryRun: true, parseInWorker: true, errorsOut: threadedErrors });
    expect(spawned).toHaveBeenCalledTimes(1);
    expect(dryThreaded.report.rows).toEqual({ total: 1500, valid: 1500 - bad, invalid: bad, created: 1500 - bad, updated: 0, unchanged: 0 });
    expect(dryThreaded.report.errors.map((e) => e.code)).toEqual(expect.arrayContaining(['UNKNOWN_TIER', 'INVALID_DATE']));
    expect(dryThreaded.report.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['UNKNOWN_COLUMN', 'UNIT_CREATED']));
    expect(comparable(dryThreaded.report)).toEqual(comparable(dryInProcess.report));
    // The errors workbook: same rejected rows, cells (dates as dates) and explanations.
    const sheetValues = async (f: string) => {
      const wb = await new ExcelJS.Workbook().xlsx.readFile(f);
      return wb.worksheets.map((ws) => ws.getSheetValues());
    };
    expect(await sheetValues(threadedErrors)).toEqual(await sheetValues(inProcessErrors));

    // Atomic: rejected, nothing written, whichever thread read the file.
    const atomic = await run(file, { parseInWorker: true });
    expect(atomic.report.rows.created).toBe(0);
    expect(await count('accounts')).toBe(0);
    const written = await run(file, { parseInWorker: true, mode: ImportMode.SKIP_INVALID });
    expect(written.report.rows).toMatchObject({ total: 1500, created: 1500 - bad });
    expect(await count('accounts')).toBe(1500 - bad);
    expect(Number((await t().ds.query("SELECT COUNT(*) AS n FROM accounts WHERE registered_on IS NOT NULL AND code = 'KW00010'"))[0].n)).toBe(1);
    // Again in-process: the same file changes nothing.
    const again = await run(file, { parseInWorker: false, mode: ImportMode.SKIP_INVALID });
    expect(again.report.rows).toMatchObject({ created: 0, updated: 0, unchanged: 1500 - bad });
  });

  it('refuses a file it cannot read with the same code and message, before or while reading', async () => {
    const junk = tmpFile('junk.xlsx');
    fs.writeFileSync(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const bomb = tmpFile('bomb.xlsx');
    fs.writeFileSync(bomb, zip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(1024 * 1024), declaredSize: 3_000_000_000 }, { name: 'xl/workbook.xml', data: '<workbook/>' }]));
    // A sheet that inflates past its declared size: found while the worker reads it.
    const liar = tmpFile('liar.xlsx');
    fs.writeFileSync(liar, zip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'xl/workbook.xml', data: '<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>' },
      { name: 'xl/_rels/workbook.xml.rels', data: '<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>' },
      { name: 'xl/worksheets/sheet1.xml', data: `<worksheet><sheetData>${'<row><c t="inlineStr"><is><t>x</t></is></c></row>'.repeat(20000)}</sheetData></worksheet>`, declaredSize: 1000 },
    ]));
    for (const [file, code] of [[junk, 'NOT_A_WORKBOOK'], [bomb, 'ZIP_BOMB'], [liar, 'ZIP_BOMB']]) {
      const inProcess = await run(file, { parseInWorker: false }).catch((e: Error) => e);
      const threaded = await run(file, { parseInWorker: true }).catch((e: Error) => e);
      expect(inProcess).toMatchObject({ name: 'ImportFileError', code });
      expect(threaded).toBeInstanceOf(Error);
      expect(threaded).toMatchObject({ name: 'ImportFileError', code, message: (inProcess as Error).message });
    }
  });

  it('fails cleanly when the worker dies mid-file: nothing written, the job FAILED', async () => {
    const { file } = await archiveFile(1200, 'crash.xlsx');
    const before = await count('accounts');
    const RealWorker = workerThreads.Worker;
    jest.spyOn(workerThreads, 'Worker').mockImplementation((...args: ConstructorParameters<typeof workerThreads.Worker>) => {
      const worker = new RealWorker(...args);
      let batches = 0;
      // Killed once it has handed over three batches: the importer has written some into its transaction.
      worker.on('message', (m: { t: string }) => {
        if (m.t === 'rows' && ++batches === 3) void worker.terminate();
      });
      return worker;
    });
    const failure = await run(file, { parseInWorker: true, mode: ImportMode.SKIP_INVALID, fileName: 'crash.xlsx' }).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/^crash\.xlsx: 读取文件的线程已停止（退出码 .*）；未导入任何内容$/);
    expect(await count('accounts')).toBe(before);
    const [job] = await t().ds.query("SELECT status, message FROM import_jobs WHERE file_name = 'crash.xlsx' ORDER BY id DESC");
    expect(job.status).toBe('FAILED');
    expect(job.message).toContain('读取文件的线程已停止');
  });

  it('kam import (dist/) reads a file over the threshold in its worker, and exits 2 with one line for one it cannot read', async () => {
    const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'test', KAM_DATABASE_URL: t().config.database.url, KAM_IMPORT_PARSE_WORKER: 'on' };
    const kam = (args: string[]) => spawnSync(process.execPath, [KAM, ...args], { encoding: 'utf8', env, timeout: 120_000 });
    // Summary rows with a long unknown column: few rows, over the threshold.
    const padding = '注'.repeat(700);
    const rows: Cell[][] = [['客户编号', '客户名称', '客户级别', '推荐单位', '附注']];
    for (let i = 0; rows.length * 2100 < PARSE_WORKER_MIN_BYTES * 1.2; i++) rows.push([`KT${String(i).padStart(5, '0')}`, `大文件客户${i}有限公司`, '重点', '华东分公司', `${padding}${i}`]);
    const csv = tmpFile('big.csv');
    fs.writeFileSync(csv, rows.map((r) => r.join(',')).join('\n'));
    expect(fs.statSync(csv).size).toBeGreaterThanOrEqual(PARSE_WORKER_MIN_BYTES);
    const ok = kam(['import', 'summary', csv, '--json']);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ errors: [], rows: { total: rows.length - 1, created: rows.length - 1 } });

    const junk = tmpFile('junk.xlsx');
    fs.writeFileSync(junk, Buffer.from(Array.from({ length: PARSE_WORKER_MIN_BYTES + 4096 }, (_, i) => (i * 7919) % 256)));
    const small = tmpFile('small.xlsx');
    fs.writeFileSync(small, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const refused = kam(['import', 'summary', junk, '--json']);
    const refusedSmall = kam(['import', 'summary', small, '--json']);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr.replace('junk.xlsx', 'small.xlsx')).toBe(refusedSmall.stderr);
  });
});

