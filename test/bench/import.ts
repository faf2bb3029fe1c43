/**
 * `npm run bench:import [-- --rows N | --1m] [--repeat N]` — imports a generated 附件2 archive (200,000 rows by
 * default) into MySQL and SQLite and compares, in the same run, with baselines: exceljs' streaming
 * WorkbookReader parsing the same file, raw mysql2 multi-row upserts of the same rows into the same
 * table, the two one after the other (the serial baseline), and the two pipelined (the pipelined
 * baseline: exceljs parsing in a worker thread, posting its rows to the main thread, which upserts them
 * — as the importer runs). Each measurement runs in its own process, so its peak RSS (sampled every
 * 50 ms, an import's until it returns) is that phase's alone. With `--repeat N` the phases run N rounds, interleaved, and the ratios use
 * each phase's median (a shared machine's speed drifts by half within minutes).
 *
 * Goals (issue 17): import into MySQL / serial baseline (exceljs parse + raw upsert) ≤ 1.0; 1M rows into
 * MySQL within 60 s; peak RSS ≤ 250 MB, flat from 50k to 1M rows (compare the runs); SQLite within
 * 1.2 × MySQL. The ratio against the pipelined baseline (issue 20) is like against like: what the
 * importer's own work (rules, lookups, undo log, transfer) costs over a pipeline doing none of it; it
 * has no goal. `--in-process` / `--worker` add the import with the file parsed on the main thread / in a worker thread
 * (import-mysql parses as KAM_IMPORT_PARSE_WORKER says). The figures are printed as measured, goals met or not; nothing here fails on a figure.
 *
 * Each phase also prints the CPU time of its timed part: this process's (all its threads) and, for the
 * phases writing to MySQL on this machine, the server's and its busiest thread's (from /proc). The work
 * cannot take less than its sum over the cores, however it were scheduled, nor less than that one server
 * thread, which runs the phase's one transaction: what bounds the 60 s goal on a 2-core machine.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
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

interface PhaseResult extends Timed {
  rows: number;
  maxRssMb: number;
  detail?: string;
}

/** A phase's timed part: wall time, and the CPU time it took from this process and from the database server. */
interface Timed {
  seconds: number;
  /** CPU seconds of this process, all its threads (the parse worker, zlib, the garbage collector's helpers). */
  cpuSeconds?: number;
  /** CPU seconds of the MySQL server in the same span, when it runs on this machine (read from /proc). */
  serverCpuSeconds?: number;
  /**
   * The server's busiest thread's share of them: the thread serving the phase's connection. One transaction
   * on one connection runs on one server thread, so the phase cannot take less wall time than this.
   */
  serverThreadCpuSeconds?: number;
}

/**
 * The local MySQL/MariaDB server's CPU seconds so far (user + system), in all and per thread, from
 * /proc/<pid>/stat and /proc/<pid>/task/<tid>/stat; null where they cannot be read: another host, not
 * Linux, or no such process. Linux counts in USER_HZ ticks, 100 a second.
 */
function serverCpu(): { total: number; threads: Map<string, number> } | null {
  if (!['127.0.0.1', 'localhost', '::1'].includes(mysqlServer().host)) return null;
  // utime and stime: the 12th and 13th fields after the command's closing parenthesis.
  const cpuOf = (statFile: string) => {
    const stat = fs.readFileSync(statFile, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  try {
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let comm: string;
      try {
        comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      } catch {
        continue;
      }
      if (comm !== 'mariadbd' && comm !== 'mysqld') continue;
      const threads = new Map<string, number>();
      for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
        try {
          threads.set(tid, cpuOf(`/proc/${pid}/task/${tid}/stat`));
        } catch {
          // The thread ended meanwhile.
        }
      }
      return { total: cpuOf(`/proc/${pid}/stat`), threads };
    }
  } catch {
    // No /proc.
  }
  return null;
}

/** Starts the clock of a phase's timed part (`mysql`: the phase writes to MySQL, whose CPU counts too); the function it returns stops it. */
function startClock(mysql = false): () => Timed {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const server = mysql ? serverCpu() : null;
  return () => {
    const used = process.cpuUsage(cpu);
    const timed: Timed = { seconds: Number(process.hrtime.bigint() - wall) / 1e9, cpuSeconds: (used.user + used.system) / 1e6 };
    const now = server && serverCpu();
    if (server && now) {
      timed.serverCpuSeconds = now.total - server.total;
      // A thread started within the span counts from zero.
      timed.serverThreadCpuSeconds = Math.max(0, ...[...now.threads].map(([tid, t]) => t - (server.threads.get(tid) ?? 0)));
    }
    return timed;
  };
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

/** The pipelined baseline's reader: exceljs in a worker thread, batches of row values posted, at most 3 unacknowledged. */
const EXCELJS_WORKER = `
  const { parentPort, workerData } = require('node:worker_threads');
  const ExcelJS = require(workerData.exceljs);
  let sent = 0, acked = 0, wake = null;
  parentPort.on('message', () => { acked++; if (wake) { wake(); wake = null; } });
  (async () => {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(workerData.file, { sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
    let rows = [];
    const flush = async () => {
      if (!rows.length) return;
      parentPort.postMessage({ t: 'rows', rows });
      rows = [];
      sent++;
      while (sent - acked >= 3) await new Promise((r) => (wake = r));
    };
    for await (const ws of reader) {
      for await (const r of ws) {
        // Row 1 is the title, row 2 the header.
        if (r.number <= 2) continue;
        rows.push(r.values);
        if (rows.length >= workerData.batch) await flush();
      }
    }
    await flush();
    parentPort.postMessage({ t: 'done' });
  })();
`;

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
    const stop = startClock();
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
    let n = 0;
    for await (const ws of reader) for await (const _ of ws) n++;
    return { ...stop(), rows: n - 2, maxRssMb: 0 };
  },
  async 'parse-kam'(file) {
    const stop = startClock();
    const source = await openWorkbook(file, { maxBytes: 4 * 1024 ** 3 });
    const parser = new AnnexParser(ARCHIVE, { tiers: DEFAULT_TIERS, managementLevels: DEFAULT_MANAGEMENT_LEVELS });
    let n = 0;
    let bad = 0;
    for await (const r of parser.parse(source, { issue: () => undefined })) {
      n++;
      if (r.errors.length) bad++;
    }
    await source.close();
    return { ...stop(), rows: n, maxRssMb: 0, detail: `${bad} rejected` };
  },
  async 'raw-upsert'(_file, rows) {
    // The same rows as the importer writes them, built before the clock starts.
    const { db, values, cols } = await rawRows(rows);
    const conn = await rawConnection(db);
    const stop = startClock(true);
    await conn.query('START TRANSACTION');
    for (let i = 0; i < values.length; i += RAW_BATCH) await conn.query(upsertSql(cols, values.slice(i, i + RAW_BATCH).length), values.slice(i, i + RAW_BATCH).flat());
    await conn.query('COMMIT');
    const timed = stop();
    const [[{ n }]] = (await conn.query('SELECT COUNT(*) AS n FROM accounts')) as unknown as [[{ n: number }]];
    await conn.end();
    await dropDb(db);
    return { ...timed, rows: Number(n), maxRssMb: 0 };
  },
  /**
   * The like-for-like baseline of the importer, which pipelines: exceljs streams the file in a worker
   * thread and posts each batch of row values to the main thread (a bounded queue, as the importer's
   * parse worker), which upserts while the worker reads on (one statement in flight), in one
   * transaction. The upserted values are built before the clock starts; the parse paces the writes.
   */
  async 'pipelined-baseline'(file, rows) {
    const { db, values, cols } = await rawRows(rows);
    const conn = await rawConnection(db);
    const stop = startClock(true);
    await conn.query('START TRANSACTION');
    const worker = new Worker(EXCELJS_WORKER, { eval: true, workerData: { file, exceljs: require.resolve('exceljs'), batch: RAW_BATCH } });
    let inFlight: Promise<unknown> = Promise.resolve();
    let seen = 0;
    const batches = (async function* () {
      const queue: { t: string; rows?: unknown[][] }[] = [];
      let wake: (() => void) | null = null;
      let failed: Error | null = null;
      worker.on('message', (m: { t: string; rows?: unknown[][] }) => (queue.push(m), wake?.()));
      worker.on('error', (e) => ((failed = e), wake?.()));
      for (;;) {
        while (!queue.length && !failed) await new Promise<void>((r) => (wake = r));
        if (failed) throw failed;
        const m = queue.shift()!;
        if (m.t === 'done') return;
        worker.postMessage('ack');
        yield m.rows!;
      }
    })();
    for await (const parsed of batches) {
      const chunk = values.slice(seen, seen + parsed.length);
      seen += parsed.length;
      await inFlight;
      inFlight = conn.query(upsertSql(cols, chunk.length), chunk.flat());
    }
    await inFlight;
    await worker.terminate();
    await conn.query('COMMIT');
    const timed = stop();
    const [[{ n }]] = (await conn.query('SELECT COUNT(*) AS n FROM accounts')) as unknown as [[{ n: number }]];
    await conn.end();
    await dropDb(db);
    return { ...timed, rows: Number(n), maxRssMb: 0, detail: `${seen} rows parsed` };
  },
  'import-mysql': (file) => importInto('mysql', file),
  'import-mysql-in-process': (file) => importInto('mysql', file, false),
  'import-mysql-worker': (file) => importInto('mysql', file, true),
  'import-sqlite': (file) => importInto('sqlite', file),
  'import-sqlite-in-process': (file) => importInto('sqlite', file, false),
  'import-sqlite-worker': (file) => importInto('sqlite', file, true),
};

async function importInto(kind: 'mysql' | 'sqlite', file: string, parseInWorker?: boolean): Promise<PhaseResult> {
  const { db, ds, services, ctx } = await prepared(kind);
  const stop = startClock(kind === 'mysql');
  const { report } = await importAnnex(services, ctx, { annex: ARCHIVE, file, parseInWorker });
  const timed = stop();
  // The import's peak: the count and the dropped database below are the bench's.
  sampled.stop();
  const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM accounts');
  await ds.destroy();
  await dropDb(db);
  if (report.errors.length) throw new Error(`import rejected rows: ${JSON.stringify(report.errors.slice(0, 3))}`);
  return { ...timed, rows: Number(n), maxRssMb: 0, detail: `created ${report.rows.created}` };
}

/** Ends the phase's RSS sampling early (an import ends it when the import returns); by default at the phase's end. */
const sampled = { stop: () => undefined as void };

async function child(phase: string, file: string, rows: number): Promise<void> {
  // Sampled, not getrusage's maxRSS: Linux carries maxRSS across exec, so a child would report its
  // parent's peak (the generator's) when that was higher.
  let peak = process.memoryUsage().rss;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  const sampler = setInterval(sample, 50);
  let stopped = false;
  sampled.stop = () => {
    if (stopped) return;
    sample();
    clearInterval(sampler);
    stopped = true;
  };
  const result = await phases[phase](file, rows);
  sampled.stop();
  result.maxRssMb = Math.round(peak / 1024 / 1024);
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

/** A phase's CPU time, this process's and the MySQL server's where measured. */
function cpuText(r: Timed): string {
  if (r.cpuSeconds === undefined) return '';
  return `  CPU ${r.cpuSeconds.toFixed(1).padStart(5)} s${r.serverCpuSeconds !== undefined ? ` + server ${r.serverCpuSeconds.toFixed(1)} s (busiest thread ${r.serverThreadCpuSeconds?.toFixed(1)} s)` : ''}`;
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
  // import-mysql parses as KAM_IMPORT_PARSE_WORKER says (`auto`: in a worker from 1 MiB on 2+ cores for SQLite, 3+ for MySQL). For comparison,
  // --in-process adds the import with the file parsed on the main thread, --worker the one parsed in a worker thread.
  const compare = (kind: string) => [...(args.includes('--in-process') ? [`import-${kind}-in-process`] : []), ...(args.includes('--worker') ? [`import-${kind}-worker`] : [])];
  const phaseNames = ['parse-exceljs', 'parse-kam', 'raw-upsert', 'pipelined-baseline', 'import-mysql', ...compare('mysql'), 'import-sqlite', ...compare('sqlite')];
  // A shared machine's speed drifts within minutes (and sags under minutes of load): with --repeat N every
  // phase runs N times, the rounds interleaved (all phases, then all again, each round starting one phase
  // later so no phase always runs last), and each phase's median time is what the ratios use.
  const repeat = Math.max(1, Number(arg('--repeat') ?? 1));
  const runs: Record<string, PhaseResult[]> = {};
  for (let round = 1; round <= repeat; round++) {
    if (repeat > 1) console.log(`  round ${round} of ${repeat}`);
    for (const p of phaseNames.map((_, i) => phaseNames[(i + round - 1) % phaseNames.length])) {
      const r = runPhase(p, file, rows);
      (runs[p] ??= []).push(r);
      console.log(`  ${p.padEnd(24)} ${r.seconds.toFixed(2).padStart(7)} s  ${Math.round(r.rows / r.seconds).toLocaleString().padStart(9)} rows/s  peak RSS ${String(r.maxRssMb).padStart(4)} MB${cpuText(r)}${r.detail ? `  (${r.detail})` : ''}`);
    }
  }
  for (const p of phaseNames) {
    const sorted = [...runs[p]].sort((a, b) => a.seconds - b.seconds);
    // The median run's time (of an even count, the lower middle); the highest peak RSS of any run.
    results[p] = { ...sorted[Math.floor((sorted.length - 1) / 2)], maxRssMb: Math.max(...sorted.map((r) => r.maxRssMb)) };
  }
  if (repeat > 1) {
    console.log(`  medians of ${repeat} rounds (peak RSS: the highest):`);
    for (const p of phaseNames) console.log(`  ${p.padEnd(24)} ${results[p].seconds.toFixed(2).padStart(7)} s  (runs: ${runs[p].map((r) => r.seconds.toFixed(2)).join(', ')})  peak RSS ${String(results[p].maxRssMb).padStart(4)} MB`);
  }
  // Both sides must have done the same work, or the ratio means nothing (bench:smoke fails on this).
  const disagree = Object.entries(runs).flatMap(([p, rs]) => rs.filter((r) => r.rows !== rows).map((r) => `${p}: ${r.rows} rows`));
  for (const r of runs['parse-kam']) if (!/^0 rejected/.test(r.detail ?? '')) disagree.push(`parse-kam: ${r.detail}`);
  if (disagree.length) {
    console.error(`  the sides disagree (expected ${rows} rows each): ${disagree.join('; ')}`);
    process.exitCode = 1;
  }
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const mysqlSeconds = results['import-mysql'].seconds;
  const serial = results['parse-exceljs'].seconds + results['raw-upsert'].seconds;
  const pipelined = results['pipelined-baseline'].seconds;
  const serialRatio = mysqlSeconds / serial;
  const sqliteRatio = results['import-sqlite'].seconds / mysqlSeconds;
  console.log('');
  console.log(`  serial baseline (exceljs parse, then raw mysql2 upserts): ${serial.toFixed(2)} s`);
  console.log(`  pipelined baseline (exceljs parse in a worker ∥ raw mysql2 upserts): ${pipelined.toFixed(2)} s`);
  console.log(`  import into MySQL / serial baseline = ${serialRatio.toFixed(2)}  (issue 17 goal ≤ 1.0: ${met(serialRatio <= 1.0)})`);
  console.log(`  import into MySQL / pipelined baseline = ${(mysqlSeconds / pipelined).toFixed(2)}  (like against like, issue 20: what the importer's rules, lookups and undo log cost; no goal)`);
  console.log(`  import into SQLite / import into MySQL = ${sqliteRatio.toFixed(2)}  (issue 17 goal ≤ 1.2: ${met(sqliteRatio <= 1.2)})`);
  console.log(`  our parser alone / exceljs parse alone = ${(results['parse-kam'].seconds / results['parse-exceljs'].seconds).toFixed(2)}`);
  for (const kind of ['mysql', 'sqlite']) for (const p of compare(kind)) console.log(`  ${p} / import-${kind} (as configured) = ${(results[p].seconds / results[`import-${kind}`].seconds).toFixed(2)}`);
  const rss = Math.max(results['import-mysql'].maxRssMb, results['import-sqlite'].maxRssMb);
  console.log(`  peak RSS of the imports: ${rss} MB  (issue 17 goal ≤ 250 MB: ${met(rss <= 250)}; flat from 50k to 1M rows: compare --rows 50000 with --1m)`);
  if (rows >= 1_000_000) console.log(`  ${(rows / 1e6).toFixed(1)}M rows into MySQL in ${mysqlSeconds.toFixed(1)} s (issue 17 goal ≤ 60 s: ${met(mysqlSeconds <= 60)})`);
  // What bounds the wall time on this machine: the work of the import (this process and the server) over the cores, and the server thread running its transaction.
  const imp = results['import-mysql'];
  if (imp.cpuSeconds !== undefined && imp.serverCpuSeconds !== undefined && imp.serverThreadCpuSeconds !== undefined) {
    const work = imp.cpuSeconds + imp.serverCpuSeconds;
    const cores = os.cpus().length;
    const floor = Math.max(work / cores, imp.serverThreadCpuSeconds);
    console.log(
      `  the import into MySQL took ${work.toFixed(1)} CPU-seconds (node ${imp.cpuSeconds.toFixed(1)} s, MySQL server ${imp.serverCpuSeconds.toFixed(1)} s, ` +
        `${imp.serverThreadCpuSeconds.toFixed(1)} s of it in the one thread running its transaction), ${(work / imp.seconds).toFixed(2)} of the ${cores} cores on average: ` +
        `at this machine's speed that work takes at least ${floor.toFixed(1)} s (${work / cores >= imp.serverThreadCpuSeconds ? `all of it over ${cores} cores` : "the server's thread alone"})`,
    );
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
