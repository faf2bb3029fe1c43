/**
 * `npm run bench:import [-- --rows N | --1m]` — imports a generated 附件2 archive (200,000 rows by
 * default) into MySQL and SQLite and compares, in the same run, with baselines: exceljs' streaming
 * WorkbookReader parsing the same file, raw mysql2 multi-row upserts of the same rows into the same
 * table, and the two pipelined (the parse feeding the upserts, one batch in flight, as the importer runs). Each measurement runs in its own process, so its peak RSS (sampled every 50 ms) is that phase's alone.
 *
 * Goals (issue 4): import time ≤ 1.25 × (exceljs parse + raw upsert); 1M rows within 30 s on MySQL;
 * RSS ≤ 300 MB, flat as files grow. The figures are printed as measured, goals met or not.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { loadConfig, type DatabaseConfig } from '../../src/config';
import { openDataSource } from '../../src/db/data-source';
import { migrate } from '../../src/db/migrations';
import { createServices } from '../../src/services';
import { systemContext } from '../../src/common/context';
import { Role, OwnershipTypes } from '../../src/common/enums';
import { nameKey } from '../../src/common/text';
import { creditCodeCheckChar, orgCodeCheckChar } from '../../src/common/validation';
import { ARCHIVE } from '../../importers/annexes';
import { importAnnex } from '../../importers/load/importer';
import { openWorkbook } from '../../importers/read/open';
import { AnnexParser } from '../../importers/read/parser';
import { DEFAULT_MANAGEMENT_LEVELS, DEFAULT_TIERS } from '../../src/db/default-policy';

const HEADER = ['序号', '客户编号', '单位名称', '统一社会信用代码', '建档日期', '单位性质', '行业类别', '规模', '信誉', '资产状况（万元）', '地址', '邮编', '电话', '邮箱', '客户级别', '推荐单位', '客户经理', '后续合同成交额（万元）', '年合作销售额（万元）'];
const UNITS = ['华北分公司', '华东分公司', '华南分公司', '西南分公司'];
const MANAGERS = ['王伟', '李娜', '张敏', '刘洋', '陈静', '杨勇', '赵磊', '黄艳'];
const OWNERSHIP = ['国有企业', '民营企业', '上市公司', '合资企业'];
const INDUSTRY = ['建筑施工', '房地产开发', '电力设备', '电梯及配件', '建筑装饰'];
const TIERS = ['战略', '重点', '主要', '一般'];

function row(i: number): (string | number)[] {
  const org = String(10_000_000 + ((i * 7919) % 89_999_999)).padStart(8, '0');
  const orgCode = org + orgCodeCheckChar(org);
  const first17 = `91110105${orgCode}`;
  return [
    i + 1, `KA${String(i + 1).padStart(7, '0')}`, `测试客户${i + 1}建设集团有限公司`, first17 + creditCodeCheckChar(first17), 44000 + (i % 2000),
    OWNERSHIP[i % 4], INDUSTRY[i % 5], ['大型', '中型', '小型'][i % 3], ['优', '良', '中'][i % 3], 1000 + (i % 900) * 10,
    `北京市朝阳区建设路${i % 999}号`, '100020', `010-6${String(1_000_000 + (i % 8_999_999)).padStart(7, '0')}`, `c${i}@customer${i % 1000}.example.cn`,
    TIERS[i % 4], UNITS[i % 4], MANAGERS[(i % 4) * 2 + (i % 2)], 5000 + (i % 1000) * 10, 300 + (i % 500),
  ];
}

async function generate(file: string, rows: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: true });
  const ws = wb.addWorksheet('档案');
  ws.addRow(['附件2 大客户信息管理档案']).commit();
  ws.addRow(HEADER).commit();
  for (let i = 0; i < rows; i++) {
    const r = ws.addRow(row(i));
    r.getCell(5).numFmt = 'yyyy"年"m"月"d"日"';
    r.commit();
  }
  ws.commit();
  await wb.commit();
}

interface PhaseResult {
  seconds: number;
  rows: number;
  maxRssMb: number;
  detail?: string;
}

function mysqlServer(): { host: string; port: number; user: string; password: string } {
  const url = new URL(loadConfig().testMysqlUrl ?? 'mysql://root@127.0.0.1:3306');
  return { host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username || 'root'), password: decodeURIComponent(url.password) };
}

async function freshDb(kind: 'mysql' | 'sqlite'): Promise<DatabaseConfig> {
  if (kind === 'sqlite') {
    const p = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kam-bench-')), 'bench.sqlite');
    return { kind: 'sqlite', path: p, url: `sqlite:${p}` };
  }
  const s = mysqlServer();
  const database = `kam_bench_${process.pid}`;
  return { kind: 'mysql', url: '', ...s, database };
}

async function dropDb(db: DatabaseConfig): Promise<void> {
  if (db.kind === 'sqlite') {
    fs.rmSync(path.dirname(db.path), { recursive: true, force: true });
    return;
  }
  const mysql = await import('mysql2/promise');
  const conn = await mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password });
  await conn.query(`DROP DATABASE IF EXISTS \`${db.database}\``);
  await conn.end();
}

/** A migrated database with the file's units and managers, so the timed part is the rows. */
async function prepared(kind: 'mysql' | 'sqlite') {
  const db = await freshDb(kind);
  const ds = await openDataSource(db, { createDatabase: true });
  await migrate(ds);
  const config = { ...loadConfig({ NODE_ENV: 'test' }), database: db, importMaxBytes: 4 * 1024 ** 3, importTimeLimitSeconds: 3600 };
  const services = createServices(ds, config);
  const ctx = systemContext('bench');
  for (const [u, name] of UNITS.entries()) {
    const unit = await services.org.createUnit(ctx, { code: `U${u}`, name });
    for (const m of MANAGERS.slice(u * 2, u * 2 + 2)) await services.org.createUser(ctx, { name: m, role: Role.MANAGER, unitId: unit.id });
  }
  return { db, ds, services, ctx };
}

/** Raw upserts: as many rows per statement as fit 30,000 placeholders. */
const RAW_COLS = ['code', 'name', 'name_key', 'credit_code', 'registered_on', 'ownership', 'industry', 'scale', 'reputation', 'total_assets_fen', 'address', 'postal_code', 'phone', 'email', 'tier_id', 'owner_unit_id', 'manager_id', 'expected_contract_value_fen', 'annual_sales_fen', 'status', 'source', 'version'];
const RAW_BATCH = Math.floor(30_000 / RAW_COLS.length);

function upsertSql(cols: string[], n: number): string {
  const update = cols.filter((c) => c !== 'code').map((c) => `\`${c}\` = VALUES(\`${c}\`)`).join(', ');
  return `INSERT INTO accounts (${cols.map((c) => `\`${c}\``).join(', ')}) VALUES ${Array.from({ length: n }, () => `(${cols.map(() => '?').join(', ')})`).join(', ')} ON DUPLICATE KEY UPDATE ${update}`;
}

/** A prepared MySQL database and the generated rows as the importer would write them. */
async function rawRows(rows: number) {
  const { db, ds } = await prepared('mysql');
  const units = await ds.query('SELECT id, name FROM org_units');
  const users = await ds.query('SELECT id, name, unit_id FROM users');
  const tiers = await ds.query('SELECT id, name FROM tiers');
  const unitId = new Map(units.map((u: { id: number; name: string }) => [u.name, u.id]));
  const tierId = new Map(tiers.map((t: { id: number; name: string }) => [t.name, t.id]));
  const userId = new Map(users.map((u: { id: number; name: string; unit_id: number }) => [`${u.unit_id}|${u.name}`, u.id]));
  await ds.destroy();
  const values: unknown[][] = [];
  for (let i = 0; i < rows; i++) {
    const r = row(i);
    const u = unitId.get(r[15] as string) as number;
    values.push([r[1], r[2], nameKey(r[2] as string), r[3], new Date(Date.UTC(1899, 11, 30) + (r[4] as number) * 86_400_000).toISOString().slice(0, 10), OwnershipTypes.lookup(r[5] as string), r[6], 'LARGE', 'GOOD', (r[9] as number) * 1_000_000, r[10], r[11], r[12], r[13], tierId.get(r[14] as string), u, userId.get(`${u}|${r[16]}`), (r[17] as number) * 1_000_000, (r[18] as number) * 1_000_000, 'ACTIVE', 'IMPORT', 1]);
  }
  return { db, values, cols: RAW_COLS };
}

async function rawConnection(db: DatabaseConfig) {
  const mysql = await import('mysql2/promise');
  if (db.kind !== 'mysql') throw new Error('mysql only');
  return mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
}

const phases: Record<string, (file: string, rows: number) => Promise<PhaseResult>> = {
  async 'parse-exceljs'(file) {
    const started = process.hrtime.bigint();
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
    let n = 0;
    for await (const ws of reader) for await (const _ of ws) n++;
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, rows: n - 2, maxRssMb: 0 };
  },
  async 'parse-kam'(file) {
    const started = process.hrtime.bigint();
    const source = await openWorkbook(file, { maxBytes: 4 * 1024 ** 3 });
    const parser = new AnnexParser(ARCHIVE, { tiers: DEFAULT_TIERS, managementLevels: DEFAULT_MANAGEMENT_LEVELS });
    let n = 0;
    let bad = 0;
    for await (const r of parser.parse(source, { issue: () => undefined })) {
      n++;
      if (r.errors.length) bad++;
    }
    await source.close();
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, rows: n, maxRssMb: 0, detail: `${bad} rejected` };
  },
  async 'raw-upsert'(_file, rows) {
    // The same rows as the importer writes them, built before the clock starts.
    const { db, values, cols } = await rawRows(rows);
    const conn = await rawConnection(db);
    const started = process.hrtime.bigint();
    await conn.query('START TRANSACTION');
    for (let i = 0; i < values.length; i += RAW_BATCH) await conn.query(upsertSql(cols, values.slice(i, i + RAW_BATCH).length), values.slice(i, i + RAW_BATCH).flat());
    await conn.query('COMMIT');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const [[{ n }]] = (await conn.query('SELECT COUNT(*) AS n FROM accounts')) as unknown as [[{ n: number }]];
    await conn.end();
    await dropDb(db);
    return { seconds, rows: Number(n), maxRssMb: 0 };
  },
  /**
   * The like-for-like baseline of the importer, which pipelines: exceljs streams the file while the
   * previous batch's raw upsert is with MySQL (one batch in flight, as the importer keeps one), in one
   * transaction. The row values are built before the clock starts; the parse paces the writes.
   */
  async 'pipelined-baseline'(file, rows) {
    const { db, values, cols } = await rawRows(rows);
    const conn = await rawConnection(db);
    const started = process.hrtime.bigint();
    await conn.query('START TRANSACTION');
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
    let inFlight: Promise<unknown> = Promise.resolve();
    let batch: unknown[][] = [];
    let seen = 0;
    const flush = async () => {
      await inFlight;
      if (!batch.length) return;
      const chunk = batch;
      batch = [];
      inFlight = conn.query(upsertSql(cols, chunk.length), chunk.flat());
    };
    for await (const ws of reader) {
      for await (const r of ws) {
        // Row 1 is the title, row 2 the header.
        if (r.number <= 2) continue;
        batch.push(values[seen++]);
        if (batch.length >= RAW_BATCH) await flush();
      }
    }
    await flush();
    await inFlight;
    await conn.query('COMMIT');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const [[{ n }]] = (await conn.query('SELECT COUNT(*) AS n FROM accounts')) as unknown as [[{ n: number }]];
    await conn.end();
    await dropDb(db);
    return { seconds, rows: Number(n), maxRssMb: 0, detail: `${seen} rows parsed` };
  },
  'import-mysql': (file) => importInto('mysql', file),
  'import-sqlite': (file) => importInto('sqlite', file),
};

async function importInto(kind: 'mysql' | 'sqlite', file: string): Promise<PhaseResult> {
  const { db, ds, services, ctx } = await prepared(kind);
  const started = process.hrtime.bigint();
  const { report } = await importAnnex(services, ctx, { annex: ARCHIVE, file });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM accounts');
  await ds.destroy();
  await dropDb(db);
  if (report.errors.length) throw new Error(`import rejected rows: ${JSON.stringify(report.errors.slice(0, 3))}`);
  return { seconds, rows: Number(n), maxRssMb: 0, detail: `created ${report.rows.created}` };
}

async function child(phase: string, file: string, rows: number): Promise<void> {
  // Sampled, not getrusage's maxRSS: Linux carries maxRSS across exec, so a child would report its
  // parent's peak (the generator's) when that was higher.
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const result = await phases[phase](file, rows);
  clearInterval(sampler);
  result.maxRssMb = Math.round(Math.max(peak, process.memoryUsage().rss) / 1024 / 1024);
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

function runPhase(phase: string, file: string, rows: number): PhaseResult {
  const out = execFileSync(process.execPath, ['--max-old-space-size=4096', __filename, '--phase', phase, '--file', file, '--rows', String(rows)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop() as string) as PhaseResult;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const rows = args.includes('--1m') ? 1_000_000 : Number(arg('--rows') ?? 200_000);
  const phase = arg('--phase');
  if (phase) return child(phase, arg('--file') as string, rows);

  const file = path.join(os.tmpdir(), `kam-bench-archive-${rows}.xlsx`);
  if (!fs.existsSync(file)) {
    process.stdout.write(`generating ${rows.toLocaleString()} rows → ${file} … `);
    const t0 = Date.now();
    await generate(file, rows);
    process.stdout.write(`${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const mb = (fs.statSync(file).size / 1024 / 1024).toFixed(1);
  console.log(`bench:import — 附件2 archive, ${rows.toLocaleString()} rows, ${mb} MB, node ${process.version}, ${os.cpus().length} cores`);
  const results: Record<string, PhaseResult> = {};
  for (const p of ['parse-exceljs', 'parse-kam', 'raw-upsert', 'pipelined-baseline', 'import-mysql', 'import-sqlite']) {
    results[p] = runPhase(p, file, rows);
    const r = results[p];
    console.log(`  ${p.padEnd(18)} ${r.seconds.toFixed(2).padStart(7)} s  ${Math.round(r.rows / r.seconds).toLocaleString().padStart(9)} rows/s  peak RSS ${String(r.maxRssMb).padStart(4)} MB${r.detail ? `  (${r.detail})` : ''}`);
  }
  // Both sides must have done the same work, or the ratio means nothing (bench:smoke fails on this).
  const disagree = Object.entries(results).filter(([, r]) => r.rows !== rows).map(([p, r]) => `${p}: ${r.rows} rows`);
  if (!/^0 rejected/.test(results['parse-kam'].detail ?? '')) disagree.push(`parse-kam: ${results['parse-kam'].detail}`);
  if (disagree.length) {
    console.error(`  the sides disagree (expected ${rows} rows each): ${disagree.join('; ')}`);
    process.exitCode = 1;
  }
  // The importer pipelines (parse the next batch while one is with the database): so does its baseline.
  const baseline = results['pipelined-baseline'].seconds;
  const ratio = results['import-mysql'].seconds / baseline;
  console.log('');
  console.log(`  baseline (exceljs streaming parse pipelined with raw mysql2 upserts, one batch in flight): ${baseline.toFixed(2)} s`);
  console.log(`  (serial sum, exceljs parse + raw upsert: ${(results['parse-exceljs'].seconds + results['raw-upsert'].seconds).toFixed(2)} s)`);
  console.log(`  import into MySQL / baseline = ${ratio.toFixed(2)}  (goal ≤ 1.25: ${ratio <= 1.25 ? 'met' : 'NOT met'})`);
  console.log(`  import into SQLite / baseline = ${(results['import-sqlite'].seconds / baseline).toFixed(2)}`);
  console.log(`  our parser alone / exceljs parse alone = ${(results['parse-kam'].seconds / results['parse-exceljs'].seconds).toFixed(2)}`);
  const rss = Math.max(results['import-mysql'].maxRssMb, results['import-sqlite'].maxRssMb);
  console.log(`  peak RSS of the imports: ${rss} MB  (goal ≤ 300 MB: ${rss <= 300 ? 'met' : 'NOT met'})`);
  if (rows >= 1_000_000) console.log(`  1M rows into MySQL in ${results['import-mysql'].seconds.toFixed(1)} s (goal ≤ 30 s: ${results['import-mysql'].seconds <= 30 ? 'met' : 'NOT met'})`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
