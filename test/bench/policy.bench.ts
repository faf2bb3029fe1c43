/**
 * `npm run bench:policy` — how the policy queries scale, against a raw baseline measured in the same run:
 *   - visit compliance for every account (one grouped SQL statement) vs the bare GROUP BY it builds on,
 *     and vs loading every activity and computing in JS (what it must not do);
 *   - one page of compliance items;
 *   - suggested tier/level for a page of 500 accounts (recursive group sums) vs a plain SELECT of them.
 * Figures are printed; nothing is asserted on time (the machine is shared). Sizes: BENCH_ACCOUNTS
 * (default 5000) accounts with 24 activities each. Runs on SQLite, and on MySQL when KAM_TEST_MYSQL_URL is set.
 */
import { performance } from 'node:perf_hooks';
import { In } from 'typeorm';
import { AccountStatus, ActivityType, AssignmentReason, RecordSource } from '../../src/common/enums';
import { addDays } from '../../src/common/dates';
import { bulkInsert } from '../../src/db/bulk';
import { systemContext } from '../../src/common/context';
import { Account } from '../../src/modules/accounts/account.entity';
import { Activity } from '../../src/modules/activities/activity.entity';
import { Assignment } from '../../src/modules/ownership/assignment.entity';
import { Tier } from '../../src/modules/tiers/tier.entity';
import { Random } from '../../seeds/demo/random';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 5000);
const PER_ACCOUNT = 24;
const AS_OF = '2026-06-30';
const TYPES = [ActivityType.MANAGER_VISIT, ActivityType.EXECUTIVE_VISIT, ActivityType.TECHNICAL_EXCHANGE, ActivityType.QUALITY_EXCHANGE, ActivityType.MEETING];

async function time<T>(fn: () => Promise<T>, runs = 3): Promise<{ ms: number; result: T }> {
  let best = Infinity;
  let result: T | undefined;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = await fn();
    best = Math.min(best, performance.now() - start);
  }
  return { ms: best, result: result as T };
}

async function populate(db: TestDb): Promise<void> {
  const em = db.ds.manager;
  const r = new Random(7);
  const tiers = await em.find(Tier);
  const unit = await db.services.org.createUnit(systemContext('bench'), { code: 'B', name: '基准分公司' });
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => ({
    code: `B${i}`, name: `基准客户${i}`, nameKey: `基准客户${i}`, status: AccountStatus.ACTIVE, source: RecordSource.DEMO, version: 1,
    tierId: tiers[i % tiers.length].id, ownerUnitId: unit.id, registeredOn: '2024-01-01',
    annualSalesFen: r.int(0, 5000) * 10_000 * 100, expectedContractValueFen: r.int(0, 30_000) * 10_000 * 100,
  }));
  await bulkInsert(em, Account, accounts);
  const ids = (await em.find(Account, { select: { id: true }, order: { id: 'ASC' } })).map((a) => a.id);
  // Groups of five: the first account is the parent of the next four.
  for (let i = 0; i + 4 < ids.length; i += 5) {
    await em.createQueryBuilder().update(Account).set({ parentId: ids[i] }).where('id IN (:...kids)', { kids: ids.slice(i + 1, i + 5) }).execute();
  }
  await bulkInsert(em, Assignment, ids.map((id) => ({ accountId: id, unitId: unit.id, managerId: null, isPrimary: true, fromDate: '2024-01-01', reason: AssignmentReason.INITIAL })));
  const activities = [];
  for (const id of ids) {
    for (let k = 0; k < PER_ACCOUNT; k++) {
      const occurredOn = addDays('2024-07-01', r.int(0, 730));
      activities.push({ accountId: id, occurredOn, type: r.pick(TYPES), subject: `基准${k}`, naturalKey: `${id}-${k}`, source: RecordSource.DEMO, version: 1, intelTags: [] });
    }
  }
  await bulkInsert(em, Activity, activities);
}

const line = (label: string, ms: number, base?: number) =>
  process.stdout.write(`  ${label.padEnd(58)} ${ms.toFixed(1).padStart(9)} ms${base ? `   ×${(ms / base).toFixed(2)} of baseline` : ''}\n`);

describe.each(DB_KINDS)('policy benchmark [%s]', (kind) => {
  let db: TestDb;

  beforeAll(async () => {
    db = await createTestDb(kind, 'policy.bench.ts');
    const start = performance.now();
    await populate(db);
    process.stdout.write(`\n[${kind}] ${ACCOUNTS} accounts, ${ACCOUNTS * PER_ACCOUNT} activities loaded in ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
  }, 600_000);

  afterAll(async () => {
    // BENCH_KEEP=1 leaves the database for EXPLAIN sessions (its name is printed).
    if (!process.env.BENCH_KEEP) return db?.drop();
    process.stdout.write(`[${kind}] kept: ${db.config.database.url}\n`);
    await db.ds.destroy();
  });

  it('measures visit compliance and suggestions', async () => {
    const { ds, services } = db;
    const ctx = systemContext('bench');
    const e = (n: string) => ds.driver.escape(n);
    const baseline = await time(() => ds.query(`SELECT ${e('account_id')}, ${e('type')}, MAX(${e('occurred_on')}) AS last_on FROM ${e('activities')} WHERE ${e('occurred_on')} <= ? GROUP BY ${e('account_id')}, ${e('type')}`, [AS_OF]));
    const compliance = await time(() => services.cadence.compliance(ctx, AS_OF));
    const naive = await time(async () => {
      const rows = (await ds.query(`SELECT ${e('account_id')} AS a, ${e('type')} AS t, ${e('occurred_on')} AS d FROM ${e('activities')}`)) as { a: number; t: string; d: string }[];
      const last = new Map<string, string>();
      for (const row of rows) {
        const key = `${row.a}/${row.t}`;
        if (String(row.d) <= AS_OF && (last.get(key) ?? '') < String(row.d)) last.set(key, String(row.d));
      }
      return { groups: last.size, rows: rows.length };
    }, 1);
    const page = await time(() => services.cadence.complianceConnection(ctx, AS_OF, { statuses: null }, { first: 100 }));
    const overduePage = await time(() => services.cadence.complianceConnection(ctx, AS_OF, { overdueOnly: true }, { first: 100 }));
    const ids = (await ds.getRepository(Account).find({ select: { id: true }, order: { id: 'ASC' }, take: Math.min(500, ACCOUNTS - Math.floor(ACCOUNTS / 2)), skip: Math.floor(ACCOUNTS / 2) })).map((a) => a.id);
    const plain = await time(() => ds.getRepository(Account).findBy({ id: In(ids) }));
    const suggestions = await time(() => services.tiers.suggestions(ctx, ids));

    process.stdout.write(`\n[${kind}] visit compliance as of ${AS_OF} (${compliance.result.length} items)\n`);
    line('baseline: GROUP BY account, type → MAX(occurred_on)', baseline.ms);
    line('cadence.compliance(asOf) — every account, statuses in SQL', compliance.ms, baseline.ms);
    line(`naive: load all ${naive.result.rows} activities, compute in JS`, naive.ms, baseline.ms);
    line('visitCompliance first page (100 items)', page.ms, baseline.ms);
    line('visitCompliance first page, overdue only', overduePage.ms, baseline.ms);
    process.stdout.write(`[${kind}] suggestions for a page of ${ids.length} accounts (groups of five)\n`);
    line(`baseline: SELECT the ${ids.length} accounts`, plain.ms);
    line(`tiers.suggestions(${ids.length} ids) — recursive group sums, one statement`, suggestions.ms, plain.ms);
    expect(compliance.result.length).toBeGreaterThan(ACCOUNTS);
    // The sides agree: a suggestion per account asked for; the SQL grouping and the JS one find the same (account, type) pairs.
    expect(suggestions.result.size).toBe(ids.length);
    expect(naive.result.groups).toBe((baseline.result as unknown[]).length);
  }, 600_000);
});
