/**
 * `npm run bench:feeds [-- --activities N --accounts M]` — the flat feeds at scale: an embedded SQLite
 * database made for the run (default 1,000,000 activities over 2,000 accounts), served by `kam serve` in
 * its own process, read over HTTP as a BI tool reads it. It downloads `/feeds/activities.csv` twice —
 * first a tenth of the rows (`limit`), then all of them — sampling the server's RSS every 50 ms, and
 * prints seconds, rows/s, MB and the server's peak RSS for each: memory is flat when the peak for all
 * rows is about the peak for a tenth. Then `/feeds/activities.jsonl` in full. The server runs with its JS heap
 * capped (`--heap`, default 128 MB), so buffering would fail rather than merely show. Figures are as measured;
 * the goal printed is memory flat (peak RSS for all rows ≤ 1.5× the peak for a tenth), and the run fails
 * when a download does not hold the rows asked for.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type DatabaseConfig } from '../../src/config';
import { openDataSource } from '../../src/db/data-source';
import { migrate } from '../../src/db/migrations';
import { createServices } from '../../src/services';
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import { PRODUCTION_ENV } from '../support/production-env';

const KAM = path.join(__dirname, '..', '..', 'src', 'cli', 'main.js');
/** Memory is flat when the peak RSS for all rows is at most this many times the peak for a tenth. */
const FLAT_GOAL = 1.5;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

async function seed(database: DatabaseConfig, accounts: number, activities: number): Promise<string> {
  const ds = await openDataSource(database, { createDatabase: true });
  await migrate(ds);
  // Rows written by SQL in one statement each (a recursive CTE): the bench measures the feed, not the seeding.
  await ds.query(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO accounts (version, code, name, name_key, registered_on, status, ownership, source)
     SELECT 1, printf('B%06d', i), printf('基准客户%06d有限公司', i), printf('基准客户%06d有限公司', i), '2024-01-01', 'ACTIVE', 'STATE_OWNED', 'MANUAL' FROM n`,
    [accounts],
  );
  await ds.query(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO activities (version, account_id, occurred_on, type, subject, summary, intel_tags, contract_amount_fen, natural_key, source)
     SELECT 1, 1 + (i % ?), date('2025-01-01', '+' || (i % 700) || ' days'), CASE i % 3 WHEN 0 THEN 'EXECUTIVE_VISIT' WHEN 1 THEN 'MANAGER_VISIT' ELSE 'PHONE_CALL' END,
            printf('第%d次拜访', i), '沟通年度合作计划，了解项目进展与付款安排', CASE WHEN i % 5 = 0 THEN 'COMPETITOR,PERSONNEL_CHANGE' ELSE NULL END,
            CASE WHEN i % 10 = 0 THEN i * 100 + 37 ELSE NULL END, printf('bench-%d', i), 'MANUAL' FROM n`,
    [activities, accounts],
  );
  const services = createServices(ds, { ...loadConfig({ NODE_ENV: 'test' }), database });
  const { secret } = await services.auth.createApiKey(systemContext('bench'), { name: 'bench', role: Role.ADMIN });
  await ds.destroy();
  return secret;
}

async function download(url: string, key: string, pid: number): Promise<{ seconds: number; rows: number; mb: number; peakRssMb: number }> {
  let peak = rssMb(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);
  const started = process.hrtime.bigint();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const b of chunk) if (b === 10) lines++;
  }
  clearInterval(timer);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, rows: url.includes('.csv') ? lines - 1 : lines, mb: bytes / 1e6, peakRssMb: Math.max(peak, rssMb(pid)) };
}

async function main(): Promise<void> {
  const activities = arg('activities', 1_000_000);
  const accounts = arg('accounts', 2_000);
  const heapMb = arg('heap', 128);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-bench-feeds-'));
  const file = path.join(dir, 'kam.sqlite');
  const database: DatabaseConfig = { kind: 'sqlite', path: file, url: `sqlite:${file}` };
  const t0 = Date.now();
  const key = await seed(database, accounts, activities);
  console.log(`seeded ${accounts} accounts and ${activities} activities in ${((Date.now() - t0) / 1000).toFixed(1)} s (${file})`);
  const port = 40_000 + Math.floor(Math.random() * 10_000);
  // The server's JS heap is capped: a feed that buffered its rows would run out of memory long before the end.
  // Its log goes nowhere (warn level): readiness is /healthz answering, not a log line (KAM_LOG_LEVEL hides those).
  const server = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, KAM, 'serve'], { env: { PATH: process.env.PATH ?? '', ...PRODUCTION_ENV, KAM_DATABASE_URL: database.url, KAM_PORT: String(port), KAM_HOST: '127.0.0.1', KAM_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<never>((_resolve, reject) => server.once('exit', (code, signal) => reject(new Error(`kam serve exited (${signal ?? code})`))));
  exited.catch(() => {}); // observed by the races below; once stopped on purpose nobody waits for it
  const base = `http://127.0.0.1:${port}`;
  let ok = true;
  try {
    await Promise.race([waitForHealthz(base, 60_000), exited]);
    console.log(`server RSS at start: ${rssMb(server.pid!).toFixed(0)} MB (JS heap capped at ${heapMb} MB)`);
    const tenth = Math.max(1, Math.floor(activities / 10));
    const results: { label: string; expected: number; r: Awaited<ReturnType<typeof download>> }[] = [];
    for (const [label, url, expected] of [
      [`csv, ${tenth} rows`, `${base}/feeds/activities.csv?limit=${tenth}`, tenth],
      [`csv, ${activities} rows`, `${base}/feeds/activities.csv`, activities],
      [`jsonl, ${activities} rows`, `${base}/feeds/activities.jsonl`, activities],
    ] as const) {
      const r = await Promise.race([download(url, key, server.pid!), exited]);
      results.push({ label, expected, r });
      console.log(`${label.padEnd(24)} ${r.seconds.toFixed(1)} s  ${Math.round(r.rows / r.seconds)} rows/s  ${r.mb.toFixed(1)} MB  rows ${r.rows}  server peak RSS ${r.peakRssMb.toFixed(0)} MB`);
    }
    // Every download holds the rows asked for, or the figures compare different work (bench:smoke fails on this).
    const short = results.filter((x) => x.r.rows !== x.expected);
    for (const x of short) console.error(`${x.label}: ${x.r.rows} rows received, ${x.expected} expected`);
    if (short.length) ok = false;
    // Goal: memory flat — the server's peak RSS for all the rows at most 1.5× its peak for a tenth of them.
    const ratio = results[1].r.peakRssMb / results[0].r.peakRssMb;
    console.log(`server peak RSS, all rows / a tenth: ${ratio.toFixed(2)}× (goal ≤ ${FLAT_GOAL.toFixed(2)}×, memory flat: ${ratio <= FLAT_GOAL ? 'met' : 'NOT met'}); completed under a ${heapMb} MB JS heap cap`);
  } finally {
    server.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (!ok) process.exitCode = 1;
}

/** Polls `/healthz` until the server answers 200 (or `ms` pass). */
async function waitForHealthz(base: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`kam serve did not answer ${base}/healthz within ${ms / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
