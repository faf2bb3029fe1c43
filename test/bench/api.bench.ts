/**
 * `npm run bench:api` — the GraphQL API under concurrent load, against a raw baseline in the same run.
 *
 * On MySQL (KAM_TEST_MYSQL_URL, default mysql://root@127.0.0.1:3306) it creates a scratch database,
 * loads the demo company with BENCH_ACCOUNTS accounts (default 400), then serves each request of
 * bench-query.ts — a page of 50 accounts with tier, manager, contacts and projects; a page of 500
 * persons, masked for the caller (an ANALYST key) — from two child processes in turn:
 * KAM Hub (Apollo + type-graphql + TypeORM + DataLoaders, production settings, with auth, depth and
 * cost checks) and a raw node:http + mysql2 server producing the same JSON. autocannon drives each
 * with BENCH_CONNECTIONS connections for BENCH_SECONDS, BENCH_ROUNDS times alternately; the best
 * round of each is compared (the machine is shared, so the best round is the least disturbed one).
 * Both must answer the same JSON first (test/integration/bench-api-agreement.test.ts checks it too);
 * the goal per request is KAM Hub ≥ 0.5× the raw throughput, printed met or not.
 *
 * `npm run bench:api -- --instances N` instead compares one KAM Hub process with N of them on the same
 * database, the load spread over them round-robin (as behind a load balancer), in alternating rounds.
 */
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { deepStrictEqual } from 'node:assert';
import autocannon from 'autocannon';
import { loadConfig, parseDatabaseUrl } from '../../src/config';
import { openDataSource } from '../../src/db/data-source';
import { migrate } from '../../src/db/migrations';
import { createServices } from '../../src/services';
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import { generateDemoData } from '../../seeds/demo/generator';
import { loadDemoData } from '../../seeds/demo/load';
import { BENCH_QUERY, BENCH_SCENARIOS } from './bench-query';
import { generateDataKeyLine } from '../../src/common/field-crypto';

const SERVER = (process.env.KAM_TEST_MYSQL_URL || 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 400);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** The data key the demo data is written with, and both children read with (BENCH_DATA_KEYS). */
const DATA_KEYS = generateDataKeyLine('bench');

/** `--instances N` (N ≥ 1). */
function instancesArg(argv = process.argv.slice(2)): number {
  const i = argv.indexOf('--instances');
  const raw = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--instances='))?.slice('--instances='.length);
  if (raw === undefined) return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new Error(`--instances must be an integer between 1 and 16, got "${raw}"`);
  return n;
}
const INSTANCES = instancesArg();

interface Child {
  name: string;
  port: number;
  proc: ChildProcess;
  queries(): Promise<number>;
  stop(): Promise<void>;
}

function spawnServer(mode: 'kam' | 'raw', url: string): Promise<Child> {
  // NODE_ENV=production as deployed: graphql-js skips its development-only checks.
  const proc = fork(path.join(__dirname, 'api-server.js'), [mode, url], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, NODE_ENV: 'production', BENCH_DATA_KEYS: DATA_KEYS, BENCH_MAX_CONCURRENT: String(CONNECTIONS) } });
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
    proc.once('message', (m: { port: number }) => {
      resolve({
        name: mode === 'kam' ? 'KAM Hub GraphQL' : 'raw node:http + mysql2',
        port: m.port,
        proc,
        queries: () =>
          new Promise((res) => {
            proc.once('message', (s: { queries: number }) => res(s.queries));
            proc.send('stats');
          }),
        stop: () =>
          new Promise((res) => {
            proc.removeAllListeners('exit');
            proc.once('exit', () => res());
            proc.send('stop');
          }),
      });
    });
  });
}

/** The goal: KAM Hub's throughput at least this share of the raw baseline's, per request. */
const GOAL = 0.5;

let body = JSON.stringify({ query: BENCH_QUERY });

async function post(port: number, key: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return res.text();
}

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  sqlPerRequest: number;
}

async function load(target: Child | Child[], key: string, seconds: number): Promise<Measure> {
  const children = Array.isArray(target) ? target : [target];
  const count = async () => (await Promise.all(children.map((c) => c.queries()))).reduce((a, b) => a + b, 0);
  const before = await count();
  const urls = children.map((c) => `http://127.0.0.1:${c.port}/graphql`);
  const r = await autocannon({
    // Several URLs: autocannon spreads its connections over them round-robin (its types say string only).
    url: (urls.length === 1 ? urls[0] : urls) as string,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
    connections: CONNECTIONS,
    duration: seconds,
  });
  const after = await count();
  const requests = r.requests.total;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, requests, errors: r.errors + r.non2xx + r.timeouts, sqlPerRequest: requests ? (after - before) / requests : 0 };
}

/** One KAM Hub process against `n` on the same database, alternating rounds; prints the comparison. */
async function compareInstances(first: Child, url: string, key: string, n: number, children: Child[]): Promise<boolean> {
  const all = [first];
  for (let i = 1; i < n; i++) {
    const c = await spawnServer('kam', url);
    children.push(c);
    all.push(c);
  }
  for (const c of all) await post(c.port, key);
  await load(all, key, 3);
  const one: Measure[] = [];
  const many: Measure[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    one.push(await load(first, key, SECONDS));
    many.push(await load(all, key, SECONDS));
  }
  const best = (ms: Measure[]) => [...ms].sort((x, y) => y.rps - x.rps)[0];
  const line = (name: string, ms: Measure[]) => {
    const m = best(ms);
    return `${name.padEnd(24)} ${m.rps.toFixed(0).padStart(8)} ${String(m.p50).padStart(8)} ${String(m.p99).padStart(8)} ${m.sqlPerRequest.toFixed(2).padStart(8)} ${String(m.errors).padStart(7)}   (rounds: ${ms.map((x) => x.rps.toFixed(0)).join(' / ')} req/s)`;
  };
  console.log(`\nKAM Hub: 1 instance vs ${n} on one database (${CONNECTIONS} connections spread round-robin; this machine has ${os.cpus().length} CPU cores, shared with MariaDB and the load generator)`);
  console.log(`${'server'.padEnd(24)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'SQL/req'.padStart(8)} ${'errors'.padStart(7)}`);
  console.log(line('KAM Hub × 1', one));
  console.log(line(`KAM Hub × ${n}`, many));
  console.log(`\n${n} instances / 1 instance throughput: ${(best(many).rps / best(one).rps).toFixed(2)}×`);
  return !best(one).errors && !best(many).errors;
}

/** `50 accounts, 200 contacts, 112 projects` or `500 contacts`. */
function describeAnswer(answer: { data: Record<string, { nodes: Record<string, unknown>[] }> }): string {
  const [[field, page]] = Object.entries(answer.data);
  const nested = ['contacts', 'projects'].filter((k) => page.nodes.some((n) => Array.isArray(n[k])));
  return [`${page.nodes.length} ${field}`, ...nested.map((k) => `${page.nodes.reduce((n, x) => n + (x[k] as unknown[]).length, 0)} ${k}`)].join(', ');
}

async function main(): Promise<void> {
  const dbName = `kam_bench_${randomBytes(3).toString('hex')}`;
  const url = `${SERVER}/${dbName}`;
  const database = parseDatabaseUrl(url);
  if (database.kind !== 'mysql') throw new Error('KAM_TEST_MYSQL_URL must be a mysql:// server URL');
  const config = { ...loadConfig({ NODE_ENV: 'test' }), database, dataKeys: DATA_KEYS };
  const ds = await openDataSource(database, { createDatabase: true });
  const children: Child[] = [];
  try {
    await migrate(ds);
    const started = Date.now();
    const loaded = await loadDemoData(createServices(ds, config), generateDemoData({ accounts: ACCOUNTS, asOf: '2026-10-31' }));
    const { secret } = await createServices(ds, config).auth.createApiKey(systemContext('bench'), { name: 'bench', role: Role.ANALYST });
    console.log(`Demo data on ${database.host}:${database.port}/${dbName} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${Object.entries(loaded).map(([k, v]) => `${v} ${k}`).join(', ')}`);

    const kam = await spawnServer('kam', url);
    children.push(kam);
    if (INSTANCES > 1) {
      // Only KAM Hub against itself: every instance answers the same JSON by construction.
      if (!(await compareInstances(kam, url, secret, INSTANCES, children))) process.exitCode = 1;
      return;
    }
    const raw = await spawnServer('raw', url);
    children.push(raw);
    console.log(`Load: ${CONNECTIONS} connections, ${SECONDS} s per round, ${ROUNDS} rounds each, alternating; 3 s warm-up each`);
    const ratios: { name: string; ratio: number }[] = [];
    for (const scenario of BENCH_SCENARIOS) {
      body = JSON.stringify({ query: scenario.query });
      const [a, b] = [await post(kam.port, secret), await post(raw.port, secret)];
      deepStrictEqual(JSON.parse(a), JSON.parse(b));
      console.log(`\n${scenario.name}\nBoth answer the same JSON (${a === b ? 'byte for byte' : 'same values'}, ${(a.length / 1024).toFixed(1)} KiB: ${describeAnswer(JSON.parse(a))})`);
      if (SECONDS <= 0) continue; // bench:smoke: the agreement check and the figures above, no load
      for (const c of [raw, kam]) await load(c, secret, 3);
      const results = new Map<Child, Measure[]>([[raw, []], [kam, []]]);
      for (let round = 0; round < ROUNDS; round++) {
        for (const c of [raw, kam]) results.get(c)?.push(await load(c, secret, SECONDS));
      }
      const best = (c: Child) => [...(results.get(c) ?? [])].sort((x, y) => y.rps - x.rps)[0];
      const row = (c: Child) => {
        const m = best(c);
        const all = (results.get(c) ?? []).map((x) => x.rps.toFixed(0)).join(' / ');
        return `${c.name.padEnd(24)} ${m.rps.toFixed(0).padStart(8)} ${String(m.p50).padStart(8)} ${String(m.p99).padStart(8)} ${m.sqlPerRequest.toFixed(2).padStart(8)} ${String(m.errors).padStart(7)}   (rounds: ${all} req/s)`;
      };
      console.log(`${'server'.padEnd(24)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'SQL/req'.padStart(8)} ${'errors'.padStart(7)}`);
      console.log(row(raw));
      console.log(row(kam));
      const ratio = best(kam).rps / best(raw).rps;
      ratios.push({ name: scenario.name, ratio });
      console.log(`KAM Hub / raw baseline throughput: ${ratio.toFixed(2)}× (goal ≥ ${GOAL.toFixed(2)}×: ${ratio >= GOAL ? 'met' : 'NOT met'})`);
      if (best(kam).errors || best(raw).errors) {
        console.error('errors under load: the figures above are not comparable');
        process.exitCode = 1;
      }
    }
    if (ratios.length) {
      console.log(`\nSummary (goal ≥ ${GOAL.toFixed(2)}× the raw node:http + mysql2 throughput):`);
      for (const r of ratios) console.log(`  ${r.name}: ${r.ratio.toFixed(2)}× — ${r.ratio >= GOAL ? 'met' : 'NOT met'}`);
    }
  } finally {
    for (const c of children) await c.stop();
    await ds.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await ds.destroy();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
