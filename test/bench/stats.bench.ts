/**
 * `npm run bench:stats [-- --accounts N --activities M --db mysql|sqlite|both --repeat R --keep --database NAME]` — the
 * aggregates `accountStats`, `activityStats` and `projectStats` at scale (default 10,000 accounts,
 * 1,000,000 activities over three years, 3 projects per account with a receivable and a payment each),
 * each asked over GraphQL as an ADMIN and as a MANAGER (filtered to its unit, so it reads the amounts),
 * against the bare GROUP BY a DBA would write for the same figures, run on the same database in the
 * same process.
 *
 * Data is seeded with raw multi-row INSERTs (a few thousand rows a statement) into a database of its
 * own (MySQL `kam_bench_stats` or `--database` at KAM_TEST_MYSQL_URL, default mysql://root@127.0.0.1:3306; SQLite in a
 * temporary file), dropped at the end unless `--keep`; a kept MySQL database of the same size is reused.
 *
 * Each query runs once to warm up, then `--repeat` times (default 3), interleaved with its baseline;
 * the fastest run counts. The server's query time limit and cost limit are lifted so slow figures
 * are measured rather than refused. The two sides must agree on every group (same keys, counts and
 * amounts to the 分): the run exits non-zero when they do not. Goal (issue 17): each query under 1 s.
 * Figures are printed as measured, met or not; nothing here is a timed test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { loadConfig, parseDatabaseUrl, type DatabaseConfig } from '../../src/config';
import { openDataSource } from '../../src/db/data-source';
import { migrate } from '../../src/db/migrations';
import { createServices, type Services } from '../../src/services';
import { systemContext } from '../../src/common/context';
import { ActivityType, ProjectStatus, Role } from '../../src/common/enums';
import { addDays, addMonths, today } from '../../src/common/dates';
import { silentLogger } from '../../src/common/logger';
import { startServer } from '../../src/http/server';
import { PRODUCTION_ENV } from '../support/production-env';

const GOAL_MS = 1000;
const UNITS = 5;
const MANAGERS_PER_UNIT = 10;
const PROJECTS_PER_ACCOUNT = 3;
const DAYS = 3 * 365;
const VISITS = [ActivityType.MANAGER_VISIT, ActivityType.PHONE_CALL, ActivityType.EXECUTIVE_VISIT, ActivityType.TECHNICAL_EXCHANGE, ActivityType.QUALITY_EXCHANGE, ActivityType.MEETING, ActivityType.HOSTING, ActivityType.OTHER];
const STATUSES = [ProjectStatus.COMPLETED, ProjectStatus.IN_PROGRESS, ProjectStatus.PLANNED, ProjectStatus.BIDDING, ProjectStatus.LOST];
const INDUSTRIES = ['建筑施工', '电力', '交通', '水利', '冶金', '化工'];

type Row = Record<string, unknown>;
/** One group of figures, keyed by its dimension value ('' for the ungrouped total). */
type Figures = Map<string, Record<string, number>>;

interface Fixture {
  units: number[];
  /** managers[u] are unit u's managers. */
  managers: number[][];
  first: LocalDay;
  last: LocalDay;
}
type LocalDay = string;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;
const sqlValue = (v: unknown) => (v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : sqlText(String(v)));

/** Raw multi-row INSERTs, `perStatement` rows each (values are the bench's own: numbers and plain text). */
async function insertRows(run: (sql: string) => Promise<unknown>, table: string, columns: string[], count: number, row: (i: number) => unknown[], perStatement = 5000): Promise<void> {
  for (let base = 0; base < count; base += perStatement) {
    const tuples: string[] = [];
    for (let i = base; i < Math.min(count, base + perStatement); i++) tuples.push(`(${row(i).map(sqlValue).join(',')})`);
    await run(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${tuples.join(',')}`);
  }
}

async function seed(ds: DataSource, s: Services, accounts: number, activities: number): Promise<Fixture> {
  const ctx = systemContext('bench');
  const units: number[] = [];
  const managers: number[][] = [];
  for (let u = 0; u < UNITS; u++) {
    const unit = await s.org.createUnit(ctx, { code: `BU${u}`, name: `第${u + 1}分公司` });
    units.push(unit.id);
    const ms: number[] = [];
    for (let m = 0; m < MANAGERS_PER_UNIT; m++) ms.push((await s.org.createUser(ctx, { login: `bm${u}_${m}`, name: `经理${u}${m}`, role: Role.MANAGER, unitId: unit.id })).id);
    managers.push(ms);
  }
  const tiers = ((await ds.query('SELECT id FROM tiers ORDER BY id')) as Row[]).map((t) => Number(t.id));
  const last = today();
  const first = addDays(last, -(DAYS - 1));
  const day = (k: number) => addDays(first, k % DAYS);
  const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
  const unitOf = (a: number) => a % UNITS;
  const managerOf = (a: number) => managers[unitOf(a)][Math.floor(a / UNITS) % MANAGERS_PER_UNIT];
  const mysql = ds.options.type !== 'better-sqlite3';
  // One connection for the whole seed (MySQL session settings and transactions are per connection).
  const qr = ds.createQueryRunner();
  await qr.connect();
  const run = (sql: string) => qr.query(sql);
  if (mysql) await run('SET foreign_key_checks = 0, unique_checks = 0');
  const wrap = async (fn: () => Promise<void>) => {
    // One transaction per batch of tables or rows: SQLite writes its journal once, InnoDB flushes once.
    await run(mysql ? 'START TRANSACTION' : 'BEGIN');
    await fn();
    await run('COMMIT');
  };
  await wrap(() =>
    insertRows(run, 'accounts', ['id', 'code', 'name', 'name_key', 'tier_id', 'status', 'owner_unit_id', 'manager_id', 'industry', 'source', 'version', 'created_at', 'updated_at'], accounts, (i) => [
      i + 1, `BA${String(i + 1).padStart(6, '0')}`, `基准客户${i + 1}有限公司`, `基准客户${i + 1}`, i % 7 === 6 ? null : tiers[i % tiers.length], 'ACTIVE', units[unitOf(i)], managerOf(i),
      i % 11 === 10 ? null : INDUSTRIES[i % INDUSTRIES.length], 'MANUAL', 1, now, now,
    ]),
  );
  const projects = accounts * PROJECTS_PER_ACCOUNT;
  // Project p belongs to account p % accounts; one in five has no contract yet (no amount, no signing date).
  const signedOn = (p: number) => (p % 5 === 4 ? null : day(p * 37));
  await wrap(() =>
    insertRows(run, 'projects', ['id', 'account_id', 'name', 'name_key', 'status', 'contract_amount_fen', 'signed_on', 'unit_id', 'manager_id', 'source', 'version', 'created_at', 'updated_at'], projects, (p) => {
      const a = p % accounts;
      return [p + 1, a + 1, `项目${p + 1}`, `项目${p + 1}`, STATUSES[Math.floor(p / 7) % STATUSES.length], p % 5 === 4 ? null : 50_000_00 + (p % 1000) * 1_000_00, signedOn(p), units[unitOf(a)], managerOf(a), 'MANUAL', 1, now, now];
    }),
  );
  await wrap(() =>
    insertRows(run, 'receivables', ['account_id', 'project_id', 'due_on', 'amount_fen', 'version', 'created_at', 'updated_at'], projects, (p) => [
      (p % accounts) + 1, p % 9 === 8 ? null : p + 1, day(p * 37 + 60), 20_000_00 + (p % 97) * 1_000_00, 1, now, now,
    ]),
  );
  await wrap(() =>
    insertRows(run, 'payments', ['account_id', 'project_id', 'received_on', 'amount_fen', 'source', 'version', 'created_at', 'updated_at'], projects, (p) => [
      (p % accounts) + 1, p + 1, day(p * 37 + 90), 15_000_00 + (p % 89) * 1_000_00, 'MANUAL', 1, now, now,
    ]),
  );
  // Activities: 2% ledger signings with an amount (half of them linked to a project of their account), the rest visits and calls.
  for (let base = 0; base < activities; base += 100_000) {
    await wrap(() =>
      insertRows(run, 'activities', ['account_id', 'manager_id', 'occurred_on', 'type', 'subject', 'project_id', 'contract_amount_fen', 'natural_key', 'source', 'version', 'created_at', 'updated_at'], Math.min(100_000, activities - base), (k) => {
        const j = base + k;
        const a = j % accounts;
        const signing = j % 50 === 0;
        return [
          a + 1, j % 13 === 12 ? null : managerOf(a), day(j * 7919), signing ? ActivityType.SIGNING : VISITS[j % VISITS.length], signing ? '签约' : '拜访',
          signing && j % 100 === 0 ? a + 1 : null,
          signing ? 10_000_00 + (j % 500) * 1_000_00 : null, `bench-${j}`, 'IMPORT', 1, now, now,
        ];
      }),
    );
  }
  if (mysql) await run('SET foreign_key_checks = 1, unique_checks = 1');
  await qr.release();
  return { units, managers, first, last };
}

/** The fixture of a database seeded before (with --keep): units and managers by code, the activity dates' span. */
async function findFixture(ds: DataSource): Promise<Fixture> {
  const units = ((await ds.query("SELECT id, code FROM org_units WHERE code LIKE 'BU%' ORDER BY code")) as Row[]).map((u) => Number(u.id));
  const managers: number[][] = [];
  for (let u = 0; u < units.length; u++) {
    const rows = (await ds.query(`SELECT id FROM users WHERE login LIKE 'bm${u}\\_%' ORDER BY id`)) as Row[];
    managers.push(rows.map((r) => Number(r.id)));
  }
  const [span] = (await ds.query('SELECT MIN(occurred_on) AS f, MAX(occurred_on) AS l FROM activities')) as Row[];
  const d = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));
  return { units, managers, first: d(span.f), last: d(span.l) };
}

async function count(ds: DataSource, table: string): Promise<number> {
  return Number(((await ds.query(`SELECT COUNT(*) AS n FROM ${table}`)) as Row[])[0].n);
}

// ---------------------------------------------------------------------------------------------------
// The bare SQL: what a DBA would write for each figure, straight from the definitions.

interface Scope {
  /** Extra condition on accounts `a` (the MANAGER's unit), with its parameters. */
  where: string;
  params: unknown[];
}

const owed = (due: string, paid: string) => `CASE WHEN COALESCE(${due}, 0) - COALESCE(${paid}, 0) > 0 THEN COALESCE(${due}, 0) - COALESCE(${paid}, 0) ELSE 0 END`;

/** accountStats' figures per `key` (an expression over accounts `a`, or null for the total) for one period. */
function accountSql(key: string | null, scope: Scope, from: string, to: string, asOf: string): [string, unknown[]] {
  const sql =
    `SELECT ${key ?? "''"} AS k, COUNT(*) AS accounts, SUM(COALESCE(s.fen, 0)) AS signed, SUM(COALESCE(rc.fen, 0)) AS received, ` +
    `SUM(${owed('du.all_fen', 'pd.fen')}) AS receivable, SUM(${owed('du.before_fen', 'pd.fen')}) AS overdue FROM accounts a ` +
    'LEFT JOIN (SELECT x.account_id, SUM(x.fen) AS fen FROM (' +
    ' SELECT account_id, contract_amount_fen AS fen FROM projects WHERE contract_amount_fen IS NOT NULL AND signed_on BETWEEN ? AND ?' +
    ' UNION ALL SELECT act.account_id, act.contract_amount_fen FROM activities act LEFT JOIN projects pc ON pc.id = act.project_id AND pc.contract_amount_fen IS NOT NULL AND pc.signed_on IS NOT NULL' +
    '  WHERE act.contract_amount_fen IS NOT NULL AND act.occurred_on BETWEEN ? AND ? AND pc.id IS NULL' +
    ') x GROUP BY x.account_id) s ON s.account_id = a.id ' +
    'LEFT JOIN (SELECT account_id, SUM(amount_fen) AS fen FROM payments WHERE received_on BETWEEN ? AND ? GROUP BY account_id) rc ON rc.account_id = a.id ' +
    'LEFT JOIN (SELECT r.account_id, SUM(CASE WHEN r.due_on <= ? OR pj.signed_on <= ? THEN r.amount_fen ELSE 0 END) AS all_fen, SUM(CASE WHEN r.due_on < ? THEN r.amount_fen ELSE 0 END) AS before_fen ' +
    ' FROM receivables r LEFT JOIN projects pj ON pj.id = r.project_id GROUP BY r.account_id) du ON du.account_id = a.id ' +
    'LEFT JOIN (SELECT account_id, SUM(amount_fen) AS fen FROM payments WHERE received_on <= ? GROUP BY account_id) pd ON pd.account_id = a.id ' +
    `WHERE 1 = 1${scope.where}${key ? ` GROUP BY ${key}` : ''}`;
  return [sql, [from, to, from, to, from, to, asOf, asOf, asOf, asOf, ...scope.params]];
}

const keyText = (v: unknown) => (v === null || v === undefined ? '' : String(v));

async function figures(ds: DataSource, [sql, params]: [string, unknown[]], prefix = ''): Promise<Figures> {
  const out: Figures = new Map();
  for (const r of (await ds.query(sql, params)) as Row[]) {
    const { k, ...rest } = r;
    out.set(prefix + keyText(k), Object.fromEntries(Object.entries(rest).map(([n, v]) => [n, v === null ? 0 : Number(v)])));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// The cases: a GraphQL query and its baseline, both reduced to Figures.

interface Case {
  name: string;
  gql: string;
  /** The figures of the GraphQL answer. */
  read(data: Row): Figures;
  baseline(ds: DataSource): Promise<Figures>;
}

const MONEY = 'accounts signed received receivable overdue';
const yuanToFen = (v: unknown) => (v === null || v === undefined ? Number.NaN : Math.round(Number(v) * 100));

function accountFigures(rows: Row[], key: string | null): Figures {
  return new Map(rows.map((r) => [key ? keyText(r[key]) : '', { accounts: Number(r.accounts), signed: yuanToFen(r.signed), received: yuanToFen(r.received), receivable: yuanToFen(r.receivable), overdue: yuanToFen(r.overdue) }]));
}

function cases(f: Fixture, scope: Scope, filter: string): Case[] {
  const year = f.last.slice(0, 4);
  const from = `${year}-01-01`;
  const to = f.last;
  const period = `from: "${from}", to: "${to}"`;
  const args = (extra: string) => [extra, filter].filter(Boolean).join(', ');
  const join = scope.where ? ' INNER JOIN accounts a ON a.id = act.account_id' : '';
  const pjoin = scope.where ? ' INNER JOIN accounts a ON a.id = p.account_id' : '';
  const activity = (name: string, dim: string, field: string, expr: string, span: [string, string]): Case => ({
    name,
    gql: `{ activityStats(${args(`groupBy: [${dim}], from: "${span[0]}", to: "${span[1]}"`)}) { rows { ${field} activities accounts } } }`,
    read: (d) => new Map(((d.activityStats as Row).rows as Row[]).map((r) => [keyText(r[field]), { activities: Number(r.activities), accounts: Number(r.accounts) }])),
    baseline: (ds) =>
      figures(ds, [`SELECT ${expr} AS k, COUNT(*) AS activities, COUNT(DISTINCT act.account_id) AS accounts FROM activities act${join} WHERE act.occurred_on BETWEEN ? AND ?${scope.where} GROUP BY ${expr}`, [...span, ...scope.params]]),
  });
  const project = (name: string, dim: string, field: string, expr: string, extra: string, where: string, params: unknown[]): Case => ({
    name,
    gql: `{ projectStats(${args(`groupBy: [${dim}]${extra}`)}) { ${field} projects contractAmount } }`,
    read: (d) => new Map((d.projectStats as Row[]).map((r) => [keyText(r[field]), { projects: Number(r.projects), contract: yuanToFen(r.contractAmount) }])),
    baseline: (ds) =>
      figures(ds, [`SELECT ${expr} AS k, COUNT(*) AS projects, COALESCE(SUM(p.contract_amount_fen), 0) AS contract FROM projects p${pjoin} WHERE 1 = 1${where}${scope.where} GROUP BY ${expr}`, [...params, ...scope.params]]),
  });
  const months: { ym: string; first: string; asOf: string }[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) {
    const end = addDays(addMonths(m, 1), -1);
    months.push({ ym: m.slice(0, 7), first: m, asOf: end < to ? end : to });
  }
  return [
    {
      name: 'accountStats total, year to date',
      gql: `{ accountStats(${args(period)}) { total { ${MONEY} } } }`,
      read: (d) => accountFigures([(d.accountStats as Row).total as Row], null),
      baseline: (ds) => figures(ds, accountSql(null, scope, from, to, to)),
    },
    {
      name: 'accountStats by TIER',
      gql: `{ accountStats(${args(`groupBy: [TIER], ${period}`)}) { rows { tierId ${MONEY} } } }`,
      read: (d) => accountFigures((d.accountStats as Row).rows as Row[], 'tierId'),
      baseline: (ds) => figures(ds, accountSql('a.tier_id', scope, from, to, to)),
    },
    {
      name: 'accountStats by MANAGER',
      gql: `{ accountStats(${args(`groupBy: [MANAGER], ${period}`)}) { rows { managerId ${MONEY} } } }`,
      read: (d) => accountFigures((d.accountStats as Row).rows as Row[], 'managerId'),
      baseline: (ds) => figures(ds, accountSql('a.manager_id', scope, from, to, to)),
    },
    {
      name: 'accountStats by ACCOUNT',
      gql: `{ accountStats(${args(`groupBy: [ACCOUNT], ${period}`)}) { rows { accountId ${MONEY} } } }`,
      read: (d) => accountFigures((d.accountStats as Row).rows as Row[], 'accountId'),
      baseline: (ds) => figures(ds, accountSql('a.id', scope, from, to, to)),
    },
    {
      name: `accountStats by MONTH (${months.length})`,
      gql: `{ accountStats(${args(`groupBy: [MONTH], ${period}`)}) { rows { month ${MONEY} } } }`,
      read: (d) => accountFigures((d.accountStats as Row).rows as Row[], 'month'),
      // Each month's flows, and balances at its end: one statement per month.
      baseline: async (ds) => {
        const out: Figures = new Map();
        for (const m of months) for (const [, v] of await figures(ds, accountSql(null, scope, m.first, m.asOf, m.asOf))) out.set(m.ym, v);
        return out;
      },
    },
    activity('activityStats by TYPE, year to date', 'TYPE', 'type', 'act.type', [from, to]),
    activity('activityStats by MONTH, year to date', 'MONTH', 'month', 'SUBSTR(act.occurred_on, 1, 7)', [from, to]),
    activity('activityStats by MANAGER, year to date', 'MANAGER', 'managerId', 'act.manager_id', [from, to]),
    activity(`activityStats by TYPE, all ${DAYS} days`, 'TYPE', 'type', 'act.type', [f.first, f.last]),
    project('projectStats by STATUS', 'STATUS', 'status', 'p.status', '', '', []),
    project('projectStats by MONTH signed, year to date', 'MONTH', 'month', 'SUBSTR(p.signed_on, 1, 7)', `, signedFrom: "${from}", signedTo: "${to}"`, ' AND p.signed_on BETWEEN ? AND ?', [from, to]),
  ];
}

/** Differences between two sets of figures, at most a few, for the report. */
function compare(a: Figures, b: Figures): string[] {
  const out: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(k);
    const y = b.get(k);
    if (!x || !y) {
      out.push(`group "${k}" only on the ${x ? 'GraphQL' : 'SQL'} side`);
      continue;
    }
    for (const n of Object.keys(y)) if (x[n] !== y[n]) out.push(`group "${k}" ${n}: GraphQL ${x[n]} vs SQL ${y[n]}`);
  }
  return out.slice(0, 5);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const ms = (x: number) => `${x >= 100 ? x.toFixed(0) : x.toFixed(1)} ms`;

async function onDatabase(database: DatabaseConfig, accounts: number, activities: number, repeat: number, keep: boolean): Promise<boolean> {
  // Lift the time and cost limits: the figures are measured, not refused.
  const config = { ...loadConfig({ ...PRODUCTION_ENV, KAM_QUERY_TIME_LIMIT: '3600', KAM_MAX_QUERY_COST: '100000000' }), database };
  const t0 = performance.now();
  let ds = await openDataSource(database, { createDatabase: true });
  await migrate(ds);
  const reuse = keep && database.kind === 'mysql' && (await count(ds, 'accounts')) === accounts && (await count(ds, 'activities')) === activities;
  if (!reuse && (await count(ds, 'accounts')) > 0) {
    // A database left by an earlier run (--keep) of another size: start afresh.
    if (database.kind === 'mysql') await ds.query(`DROP DATABASE \`${database.database}\``);
    await ds.destroy();
    ds = await openDataSource(database, { createDatabase: true });
    await migrate(ds);
  }
  let agree = true;
  try {
    const services = createServices(ds, config);
    const f = reuse ? await findFixture(ds) : await seed(ds, services, accounts, activities);
    console.log(`${database.kind}: ${accounts} accounts, ${accounts * PROJECTS_PER_ACCOUNT} projects, receivables and payments, ${activities} activities (${f.first} … ${f.last}) ${reuse ? 'reused' : 'seeded'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const ctx = systemContext('bench');
    const admin = (await services.auth.createApiKey(ctx, { name: `bench-admin-${Date.now()}`, role: Role.ADMIN })).secret;
    const managerId = f.managers[0][0];
    const manager = (await services.auth.createApiKey(ctx, { name: `bench-manager-${Date.now()}`, role: Role.MANAGER, userId: managerId })).secret;
    const server = await startServer(services, silentLogger, 0, '127.0.0.1');
    try {
      const post = async (key: string, query: string): Promise<Row> => {
        const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
        const body = (await res.json()) as { data?: Row; errors?: unknown };
        if (body.errors || !body.data) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
        return body.data;
      };
      const callers = [
        { who: 'ADMIN', key: admin, scope: { where: '', params: [] }, filter: '' },
        { who: 'MANAGER', key: manager, scope: { where: ' AND a.owner_unit_id = ?', params: [f.units[0]] }, filter: `filter: { unitIds: ["${f.units[0]}"] }` },
      ];
      let met = 0;
      let total = 0;
      console.log(`  ${'query'.padEnd(44)} ${'caller'.padEnd(8)} ${'GraphQL'.padStart(9)} ${'bare SQL'.padStart(9)}  ratio   goal < ${GOAL_MS} ms`);
      for (const c of callers) {
        for (const q of cases(f, c.scope, c.filter)) {
          const api = await q.read(await post(c.key, q.gql));
          const raw = await q.baseline(ds);
          const diff = compare(api, raw);
          if (diff.length) {
            agree = false;
            console.error(`  ${q.name} as ${c.who}: the sides disagree — ${diff.join('; ')}`);
          }
          let tApi = Infinity;
          let tRaw = Infinity;
          for (let i = 0; i < repeat; i++) {
            tApi = Math.min(tApi, await timed(() => post(c.key, q.gql)));
            tRaw = Math.min(tRaw, await timed(() => q.baseline(ds)));
          }
          total++;
          if (tApi < GOAL_MS) met++;
          console.log(`  ${q.name.padEnd(44)} ${c.who.padEnd(8)} ${ms(tApi).padStart(9)} ${ms(tRaw).padStart(9)}  ${(tApi / tRaw).toFixed(2).padStart(5)}×  ${tApi < GOAL_MS ? 'met' : 'NOT met'} (${api.size} groups${diff.length ? ', DISAGREE' : ''})`);
        }
      }
      console.log(`${database.kind}: goal (each aggregate under ${GOAL_MS} ms over GraphQL) met by ${met} of ${total} queries; the sides ${agree ? 'agree on every group' : 'DISAGREE'}`);
    } finally {
      await server.close();
    }
  } finally {
    if (database.kind === 'mysql' && !keep) await ds.query(`DROP DATABASE IF EXISTS \`${database.database}\``);
    await ds.destroy();
    if (database.kind === 'sqlite' && !keep) fs.rmSync(path.dirname(database.path), { recursive: true, force: true });
  }
  return agree;
}

async function main(): Promise<void> {
  const accounts = Number(arg('--accounts') ?? 10_000);
  const activities = Number(arg('--activities') ?? 1_000_000);
  const repeat = Number(arg('--repeat') ?? 3);
  const which = arg('--db') ?? 'mysql';
  const keep = process.argv.includes('--keep');
  console.log(`bench:stats — ${accounts} accounts, ${activities} activities; the fastest of ${repeat} runs each`);
  let agree = true;
  if (which === 'sqlite' || which === 'both') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-bench-stats-'));
    agree = (await onDatabase(parseDatabaseUrl(`sqlite:${path.join(dir, 'bench.sqlite')}`), accounts, activities, repeat, keep)) && agree;
    if (keep) console.log(`  kept ${dir}`);
  }
  if (which === 'mysql' || which === 'both') {
    const server = (loadConfig().testMysqlUrl ?? 'mysql://root@127.0.0.1:3306').replace(/\/$/, '');
    agree = (await onDatabase(parseDatabaseUrl(`${server}/${arg('--database') ?? 'kam_bench_stats'}`), accounts, activities, repeat, keep)) && agree;
  }
  if (!agree) {
    console.error('bench:stats: the GraphQL answers and the bare SQL disagree');
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
