/**
 * Crash safety of imports, on every database: `kam import` runs as a child process and is killed for
 * real (SIGKILL) at several points — after batch 1, 2 and 3 are written but before the commit, and
 * after a few wall-clock offsets. After each kill: the ledger is all or nothing, no payment or project
 * is left without its activity or account, the job left RUNNING is found and marked FAILED, its lock is
 * freed; running the file again gives exactly the expected totals, with no duplicates. Two imports of
 * the same file at once never duplicate rows either.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import fs from 'node:fs';
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import { importAnnex } from '../../importers/load/importer';
import { SUMMARY } from '../../importers/annexes';
import type { DatabaseConfig } from '../../src/config';
import { describeEachDb } from '../support/db';
import { tmpFile } from '../support/workbooks';
import { builtCli } from '../support/built-cli';

const KAM = builtCli();
const ACCOUNTS = 40;
/** The CLI writes batches of 1,000 rows: 2,600 rows are three batches. */
const ROWS = 2600;
/** The wall-clock test's file: long enough (14 batches) that its transaction stays open while the test looks for it. */
const TIMED_ROWS = 13_000;

interface LedgerFile {
  file: string;
  valid: number;
  payments: number;
  paymentFen: number;
  contractFen: number;
  projects: number;
}

/** A ledger CSV of `rows` activities (every third a collection, every fifth a signing on a project); `invalidEvery` rows name an unknown account. */
function ledger(name: string, tag: string, rows: number, invalidEvery = 0): LedgerFile {
  const lines = ['日期,客户编号,活动类型,主题,内容摘要,项目名称,合同金额（万元）,回款金额（万元）'];
  let valid = 0;
  let payments = 0;
  let paymentFen = 0;
  let contractFen = 0;
  const projects = new Set<string>();
  for (let i = 1; i <= rows; i++) {
    const bad = invalidEvery > 0 && i % invalidEvery === 0;
    const account = bad ? 'KX9999' : `KC${String((i % ACCOUNTS) + 1).padStart(4, '0')}`;
    const day = new Date(Date.UTC(2025, 0, 1) + (i % 360) * 86_400_000).toISOString().slice(0, 10);
    const pay = i % 3 === 0 ? (i % 7) + 1 : null;
    const contract = i % 5 === 0 ? (i % 11) + 10 : null;
    const project = contract !== null ? `${tag}项目${i % 9}` : '';
    lines.push([day, account, pay !== null ? '回款' : '拜访', `${tag}主题${i}`, `${tag}内容${i}`, project, contract ?? '', pay ?? ''].join(','));
    if (bad) continue;
    valid++;
    if (pay !== null) {
      payments++;
      paymentFen += pay * 10_000 * 100;
    }
    if (contract !== null) {
      contractFen += contract * 10_000 * 100;
      projects.add(`${account}|${project}`);
    }
  }
  const file = tmpFile(name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return { file, valid, payments, paymentFen, contractFen, projects: projects.size };
}

interface Run {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  exited: Promise<number | null>;
}

/** Every child started, so a failing test never leaves one running. */
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function kamImport(url: string, file: string, mode: 'atomic' | 'skip-invalid', pauseAt?: number, annex = 'ledger'): Run {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', NODE_ENV: 'test', KAM_DATABASE_URL: url, KAM_LOG_LEVEL: 'error' };
  if (pauseAt !== undefined) env.KAM_TEST_IMPORT_PAUSE_AT_BATCH = String(pauseAt);
  const child = spawn(process.execPath, [KAM, 'import', annex, file, '--mode', mode, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let err = '';
  let out = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => err, stdout: () => out, exited };
}

async function waitFor(what: () => boolean, timeoutMs: number, label: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * True when an import's transaction is open with rows in it, seen from outside: on MySQL a READ
 * UNCOMMITTED reader counts more rows in `table` than were committed; on SQLite another connection
 * cannot take the write lock (the importer's transaction holds it), seen twice 30 ms apart.
 */
async function midTransaction(db: DatabaseConfig, table: string, committed: number): Promise<boolean> {
  if (db.kind === 'mysql') {
    const conn = await mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
    try {
      await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED');
      const [rows] = (await conn.query(`SELECT COUNT(*) AS n FROM ${table}`)) as unknown as [{ n: number }[]];
      return Number(rows[0].n) > committed;
    } finally {
      await conn.end();
    }
  }
  const lite = new Database(db.path, { timeout: 0 });
  try {
    const locked = () => {
      try {
        lite.exec('BEGIN IMMEDIATE');
        lite.exec('ROLLBACK');
        return false;
      } catch (e) {
        if ((e as { code?: string }).code === 'SQLITE_BUSY') return true;
        throw e;
      }
    };
    if (!locked()) return false;
    await new Promise((r) => setTimeout(r, 30));
    return locked();
  } finally {
    lite.close();
  }
}

async function kill(run: Run): Promise<void> {
  run.child.kill('SIGKILL');
  await run.exited;
}

describeEachDb('crash-safe imports', (t) => {
  const ctx = systemContext('test');
  const q = async <T = Record<string, unknown>>(sql: string): Promise<T[]> => t().ds.query(sql);
  const num = async (sql: string) => Number(Object.values((await q(sql))[0])[0] ?? 0);
  const url = () => t().config.database.url;

  interface Totals {
    activities: number;
    payments: number;
    paymentFen: number;
    contractFen: number;
    projects: number;
  }
  const totals = async (): Promise<Totals> => ({
    activities: await num('SELECT COUNT(*) FROM activities'),
    payments: await num('SELECT COUNT(*) FROM payments'),
    paymentFen: await num('SELECT COALESCE(SUM(amount_fen), 0) FROM payments'),
    contractFen: await num('SELECT COALESCE(SUM(contract_amount_fen), 0) FROM activities'),
    projects: await num('SELECT COUNT(*) FROM projects'),
  });
  /** `base` plus what `files` add: each test starts from the totals it finds, so it runs alone (-t) too. */
  const plus = (base: Totals, add: Totals): Totals => ({
    activities: base.activities + add.activities,
    payments: base.payments + add.payments,
    paymentFen: base.paymentFen + add.paymentFen,
    contractFen: base.contractFen + add.contractFen,
    projects: base.projects + add.projects,
  });
  const expected = (...files: LedgerFile[]): Totals => ({
    activities: files.reduce((n, f) => n + f.valid, 0),
    payments: files.reduce((n, f) => n + f.payments, 0),
    paymentFen: files.reduce((n, f) => n + f.paymentFen, 0),
    contractFen: files.reduce((n, f) => n + f.contractFen, 0),
    projects: files.reduce((n, f) => n + f.projects, 0),
  });

  /** Nothing dangles: every payment has its activity (and that activity's amount), every project and activity its account. */
  const expectNoOrphans = async () => {
    expect(await num('SELECT COUNT(*) FROM payments p WHERE p.activity_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.id = p.activity_id)')).toBe(0);
    expect(await num('SELECT COUNT(*) FROM payments p WHERE p.project_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM projects x WHERE x.id = p.project_id)')).toBe(0);
    expect(await num('SELECT COUNT(*) FROM activities a WHERE NOT EXISTS (SELECT 1 FROM accounts c WHERE c.id = a.account_id)')).toBe(0);
    expect(await num('SELECT COUNT(*) FROM projects x WHERE NOT EXISTS (SELECT 1 FROM accounts c WHERE c.id = x.account_id)')).toBe(0);
    expect(await num('SELECT COUNT(*) FROM projects x WHERE NOT EXISTS (SELECT 1 FROM activities a WHERE a.project_id = x.id)')).toBe(0);
    // Half an activity's money: a collection row without its payment, or the reverse.
    expect(await num('SELECT COUNT(*) FROM activities a WHERE a.payment_amount_fen IS NOT NULL AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.activity_id = a.id)')).toBe(0);
    expect(await num('SELECT COUNT(*) FROM payments p WHERE NOT EXISTS (SELECT 1 FROM activities a WHERE a.id = p.activity_id AND a.payment_amount_fen = p.amount_fen)')).toBe(0);
  };

  /** After a kill: the state is one of the allowed ones, and recovery marks the dead job FAILED and frees its lock. */
  const afterKill = async (allowed: Totals[]) => {
    const now = await totals();
    expect(allowed).toContainEqual(now);
    await expectNoOrphans();
    const running = await q<{ id: number }>("SELECT id FROM import_jobs WHERE status = 'RUNNING'");
    const marked = await t().services.imports.recoverInterrupted();
    expect(marked.sort()).toEqual(running.map((r) => Number(r.id)).sort());
    expect(await num("SELECT COUNT(*) FROM import_jobs WHERE status = 'RUNNING' OR lock_key IS NOT NULL")).toBe(0);
    for (const id of marked) {
      const [job] = await q<{ status: string; message: string; finished_at: unknown }>(`SELECT status, message, finished_at FROM import_jobs WHERE id = ${Number(id)}`);
      expect(job.status).toBe('FAILED');
      expect(job.message).toMatch(/^已中断：运行导入的进程/);
      expect(job.finished_at).not.toBeNull();
    }
    return marked.length;
  };

  let atomicFile: LedgerFile;
  let skipFile: LedgerFile;
  let timedFile: LedgerFile;

  beforeAll(async () => {
    const { services } = t();
    const unit = await services.org.createUnit(ctx, { code: 'HN', name: '华南分公司' });
    await services.org.createUser(ctx, { name: '陈静', role: Role.MANAGER, unitId: unit.id });
    const summary = tmpFile('summary.csv');
    const lines = ['客户编号,客户名称,客户级别,推荐单位,客户经理'];
    for (let i = 1; i <= ACCOUNTS; i++) lines.push(`KC${String(i).padStart(4, '0')},深圳第${i}建设工程有限公司,一般,华南分公司,陈静`);
    fs.writeFileSync(summary, lines.join('\n') + '\n');
    const { report } = await importAnnex(services, ctx, { annex: SUMMARY, file: summary });
    expect(report.rows).toMatchObject({ created: ACCOUNTS, invalid: 0 });
    atomicFile = ledger('ledger-atomic.csv', 'A', ROWS);
    skipFile = ledger('ledger-skip.csv', 'S', ROWS, 97);
    timedFile = ledger('ledger-timed.csv', 'W', TIMED_ROWS);
  });

  it('atomic: killed after batch 1, 2 or 3 is written (before the commit) leaves nothing; the job is marked FAILED; the re-run is exact', async () => {
    const start = await totals();
    for (const batch of [1, 2, 3]) {
      const run = kamImport(url(), atomicFile.file, 'atomic', batch);
      await waitFor(() => run.stderr().includes(`paused after batch ${batch}`), 60_000, `batch ${batch}`);
      // The kill lands mid-transaction: the batches written so far are in the open transaction.
      expect(await midTransaction(t().config.database, 'activities', start.activities)).toBe(true);
      // The paused run holds the ledger's lock: a second import of the file is refused, not raced.
      if (batch === 1) {
        const second = kamImport(url(), atomicFile.file, 'atomic');
        expect(await second.exited).toBe(2);
        expect(second.stderr()).toMatch(/另一个 ledger 导入正在运行：任务 #\d+/);
      }
      await kill(run);
      expect(await afterKill([start])).toBe(1);
    }
    const done = kamImport(url(), atomicFile.file, 'atomic');
    expect(await done.exited).toBe(0);
    expect(JSON.parse(done.stdout()).rows).toMatchObject({ total: ROWS, created: ROWS, invalid: 0 });
    expect(await totals()).toEqual(plus(start, expected(atomicFile)));
    await expectNoOrphans();
  }, 240_000);

  it('killed at wall-clock offsets: all or nothing each time, at least one kill provably mid-transaction; the run that completes commits nothing before the end; running the file again changes nothing and adds nothing', async () => {
    const before = await totals();
    const after = plus(before, expected(timedFile));
    // Blind offsets (wherever they fall), then kills aimed at an open transaction with rows in it.
    for (const ms of [150, 1200]) {
      const run = kamImport(url(), timedFile.file, 'atomic');
      await new Promise((r) => setTimeout(r, ms));
      await kill(run);
      await afterKill([before, after]);
    }
    let landed = 0;
    for (const extraMs of [0, 50, 200]) {
      const run = kamImport(url(), timedFile.file, 'atomic');
      let open = false;
      const until = Date.now() + 60_000;
      while (!open && run.child.exitCode === null && Date.now() < until) {
        open = await midTransaction(t().config.database, 'activities', before.activities);
        if (!open) await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, extraMs));
      await kill(run);
      await afterKill([before, after]);
      // Rows were in the transaction when it was killed, and none of them were committed.
      if (open && (await num('SELECT COUNT(*) FROM activities')) === before.activities) landed++;
    }
    expect(landed).toBeGreaterThanOrEqual(1);
    // The run that completes is watched from outside all along: what is committed is only ever nothing or everything
    // (a batch committed on its own would show here, wherever a kill happens to land).
    const done = kamImport(url(), timedFile.file, 'atomic');
    const seen = new Set<number>();
    while (done.child.exitCode === null) {
      seen.add(await num('SELECT COUNT(*) FROM activities'));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await done.exited).toBe(0);
    seen.add(await num('SELECT COUNT(*) FROM activities'));
    expect([...seen].filter((n) => n !== before.activities && n !== after.activities)).toEqual([]);
    expect(await totals()).toEqual(after);
    const again = kamImport(url(), timedFile.file, 'atomic');
    expect(await again.exited).toBe(0);
    expect(JSON.parse(again.stdout()).rows).toMatchObject({ total: TIMED_ROWS, created: 0, updated: 0, unchanged: TIMED_ROWS });
    expect(await totals()).toEqual(after);
    await expectNoOrphans();
  }, 240_000);

  it('skip-invalid: killed mid-file leaves no partial batch; the re-run writes exactly the valid rows once', async () => {
    const before = await totals();
    for (const batch of [2, 3]) {
      const run = kamImport(url(), skipFile.file, 'skip-invalid', batch);
      await waitFor(() => run.stderr().includes(`paused after batch ${batch}`), 60_000, `batch ${batch}`);
      expect(await midTransaction(t().config.database, 'activities', before.activities)).toBe(true);
      await kill(run);
      await afterKill([before]);
    }
    for (const ms of [800, 2000]) {
      const run = kamImport(url(), skipFile.file, 'skip-invalid');
      await new Promise((r) => setTimeout(r, ms));
      await kill(run);
      await afterKill([before, plus(before, expected(skipFile))]);
    }
    const done = kamImport(url(), skipFile.file, 'skip-invalid');
    expect(await done.exited).toBe(1); // rows were rejected (and reported), the valid ones written
    expect(JSON.parse(done.stdout()).rows).toMatchObject({ total: ROWS, valid: skipFile.valid, invalid: ROWS - skipFile.valid });
    expect(await totals()).toEqual(plus(before, expected(skipFile)));
    await expectNoOrphans();
  }, 240_000);

  it.each([
    ['summary', 'accounts', (i: number) => `KS${String(i).padStart(5, '0')},深圳汇总第${i}工程有限公司,一般,华南分公司,陈静`, '客户编号,客户名称,客户级别,推荐单位,客户经理'],
    ['archive', 'accounts', (i: number) => `KR${String(i).padStart(5, '0')},广州档案第${i}工程有限公司,一般,华南分公司,陈静`, '客户编号,客户名称,客户级别,推荐单位,客户经理'],
    ['persons', 'contacts', (i: number) => `KC${String((i % ACCOUNTS) + 1).padStart(4, '0')},联系人${i},经理,139${String(10_000_000 + i).slice(-8)}`, '客户编号,姓名,职务,手机'],
  ] as const)('%s: killed mid-transaction after batch 2 of 3 leaves nothing; the job is marked FAILED; the re-run is exact', async (annex, table, line, header) => {
    const file = tmpFile(`${annex}-kill.csv`);
    fs.writeFileSync(file, [header, ...Array.from({ length: ROWS }, (_, i) => line(i + 1))].join('\n') + '\n');
    const count = () => num(`SELECT COUNT(*) FROM ${table}`);
    const before = await count();
    const run = kamImport(url(), file, 'atomic', 2, annex);
    await waitFor(() => run.stderr().includes('paused after batch 2'), 60_000, `${annex} batch 2`);
    expect(await midTransaction(t().config.database, table, before)).toBe(true);
    await kill(run);
    expect(await count()).toBe(before);
    await expectNoOrphans();
    expect(await t().services.imports.recoverInterrupted()).toHaveLength(1);
    expect(await num("SELECT COUNT(*) FROM import_jobs WHERE status = 'RUNNING' OR lock_key IS NOT NULL")).toBe(0);
    const done = kamImport(url(), file, 'atomic', undefined, annex);
    const code = await done.exited;
    expect([code, code === 0 ? '' : done.stderr()]).toEqual([0, '']);
    expect(JSON.parse(done.stdout()).rows).toMatchObject({ total: ROWS, created: ROWS, invalid: 0 });
    expect(await count()).toBe(before + ROWS);
  }, 240_000);

  it('two imports of the same new file at once: one writes, the other is refused or finds everything unchanged; no duplicates', async () => {
    const file = ledger('ledger-twice.csv', 'T', 1500);
    const start = await totals();
    const a = kamImport(url(), file.file, 'atomic');
    const b = kamImport(url(), file.file, 'atomic');
    const codes = await Promise.all([a.exited, b.exited]);
    expect(codes.filter((c) => c === 0).length).toBeGreaterThanOrEqual(1);
    for (const [i, run] of [a, b].entries()) {
      // Refused by the import lock, never by the database ("database is locked", SQLITE_BUSY, is a failure).
      if (codes[i] !== 0) expect([codes[i], run.stderr()]).toEqual([2, expect.stringMatching(/另一个 ledger 导入正在运行/)]);
      expect(run.stderr()).not.toMatch(/database is locked|SQLITE_BUSY/);
    }
    expect(await totals()).toEqual(plus(start, expected(file)));
    expect(await num("SELECT COUNT(*) FROM import_jobs WHERE status = 'RUNNING' OR lock_key IS NOT NULL")).toBe(0);
    await expectNoOrphans();
  }, 120_000);

  it('writes one audit event per import run, with the file hash, counts and origin, never row values', async () => {
    // Its own run, so the test stands alone (-t) and the last run is this one.
    const own = ledger('ledger-audit.csv', 'U', 30);
    const done = kamImport(url(), own.file, 'atomic');
    expect(await done.exited).toBe(0);
    const events = await q<{ after: string; origin: string; actor: string; entity_id: string }>("SELECT after, origin, actor, entity_id FROM audit_events WHERE action = 'import.run' ORDER BY id");
    const jobs = await q<{ id: number; status: string; sha256: string; message: string | null }>('SELECT id, status, sha256, message FROM import_jobs ORDER BY id');
    const perJob = new Map<number, number>();
    for (const e of events) perJob.set(Number(e.entity_id), (perJob.get(Number(e.entity_id)) ?? 0) + 1);
    // Every run that ended has exactly one event; killed runs none (their job says FAILED: interrupted).
    for (const j of jobs) expect([j.id, perJob.get(Number(j.id)) ?? 0]).toEqual([j.id, j.message?.startsWith('已中断：') ? 0 : 1]);
    expect(jobs.filter((j) => j.status === 'SUCCEEDED').length).toBeGreaterThanOrEqual(1);
    const lastJob = jobs.filter((j) => j.status === 'SUCCEEDED').pop()!;
    const last = JSON.parse(events.find((e) => Number(e.entity_id) === Number(lastJob.id))!.after) as Record<string, unknown>;
    expect(last).toMatchObject({ annex: 'ledger', file: 'ledger-audit.csv', mode: 'atomic', dryRun: false, status: 'SUCCEEDED', sha256: lastJob.sha256 });
    expect(typeof last.total).toBe('number');
    expect(events.every((e) => e.origin === 'cli' && e.actor.startsWith('system:'))).toBe(true);
    expect(events.map((e) => e.after).join('')).not.toContain('主题');
  });
});
