/**
 * The pieces of the flooding defence on their own (issue 18): the fair slot queue, the per-caller limit,
 * the statement time limit as each server spells it, and pricing by rows scanned.
 */
import { parse } from 'graphql';
import { FairLimiter } from '../../src/db/fair-limiter';
import { isStatementTimeout, withStatementTimeLimit } from '../../src/db/heavy-reads';
import { SIZED_TABLES, type TableSizesSnapshot } from '../../src/db/table-sizes';
import { CallerLimits } from '../../src/http/request-limits';
import { ROWS_PER_COST_UNIT, queryCost } from '../../src/http/protection';
import { kamSchema } from '../../src/http/schema';
import { DomainError, ErrorCode } from '../../src/common/errors';

describe('FairLimiter', () => {
  it('serves waiting callers in turn, each caller earliest deadline first, and drops a waiter at its deadline', async () => {
    const limiter = new FairLimiter(1);
    const order: string[] = [];
    const first = await limiter.acquire('busy');
    const now = Date.now();
    const wait = (key: string, name: string, deadline?: number) =>
      limiter.acquire(key, deadline).then(
        (release) => {
          order.push(name);
          release();
        },
        () => order.push(`${name} timed out`),
      );
    // Caller a queues three (the last with the earliest deadline), then b and c one each.
    const all = [wait('a', 'a1', now + 60_000), wait('a', 'a2', now + 60_000), wait('a', 'a0', now + 30_000), wait('b', 'b1'), wait('c', 'c1', now + 60_000)];
    const late = wait('d', 'd1', now + 50);
    expect(limiter.queued).toBe(6);
    await late;
    expect(order).toEqual(['d1 timed out']);
    first();
    await Promise.all(all);
    expect(order).toEqual(['d1 timed out', 'a0', 'b1', 'c1', 'a1', 'a2']);
    expect(limiter.active).toBe(0);
  });

  it('refuses at once a waiter whose deadline has passed', async () => {
    const limiter = new FairLimiter(1);
    const release = await limiter.acquire('x');
    await expect(limiter.acquire('y', Date.now() - 1, () => new Error('late'))).rejects.toThrow('late');
    release();
    release(); // idempotent
    expect(limiter.active).toBe(0);
  });
});

describe('CallerLimits', () => {
  it('lets a caller run its limit at once and refuses one more with TOO_MANY_REQUESTS, others unaffected', () => {
    const limits = new CallerLimits(2);
    const r1 = limits.enter('apikey:bi');
    limits.enter('apikey:bi');
    let refused: unknown;
    try {
      limits.enter('apikey:bi');
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: ErrorCode.TOO_MANY_REQUESTS, details: { retryAfterSeconds: 1, limit: 2 } });
    expect(() => limits.enter('apikey:other')).not.toThrow();
    r1();
    r1();
    expect(limits.count('apikey:bi')).toBe(1);
    expect(() => limits.enter('apikey:bi')).not.toThrow();
  });
});

describe('statement time limit', () => {
  it('is MySQL\'s MAX_EXECUTION_TIME hint after the top-level SELECT, and MariaDB\'s SET STATEMENT', () => {
    expect(withStatementTimeLimit('SELECT a FROM t WHERE b IN (SELECT 1)', 1234.2, 'mysql')).toBe('SELECT /*+ MAX_EXECUTION_TIME(1235) */ a FROM t WHERE b IN (SELECT 1)');
    expect(withStatementTimeLimit('  select 1', 0.2, 'mysql')).toBe('  select /*+ MAX_EXECUTION_TIME(1) */ 1');
    expect(withStatementTimeLimit('SELECT 1', 1500, 'mariadb')).toBe('SET STATEMENT max_statement_time=1.500 FOR SELECT 1');
  });

  it('recognises either server\'s timeout error', () => {
    expect(isStatementTimeout({ errno: 3024, code: 'ER_QUERY_TIMEOUT' })).toBe(true);
    expect(isStatementTimeout({ errno: 1969, code: 'ER_STATEMENT_TIMEOUT' })).toBe(true);
    expect(isStatementTimeout({ errno: 1064, code: 'ER_PARSE_ERROR' })).toBe(false);
  });
});

describe('pricing by rows scanned', () => {
  const sized = (rows: Partial<Record<(typeof SIZED_TABLES)[number], number>>): TableSizesSnapshot =>
    ({ ...Object.fromEntries(SIZED_TABLES.map((t) => [t, 0])), tiers: 4, cadence_rules: 8, users: 20, org_units: 4, ...rows }) as TableSizesSnapshot;
  const large = sized({ accounts: 3000, activities: 60_000, projects: 6000, receivables: 12_000, payments: 6000, assignments: 3000 });
  const small = sized({ accounts: 30, activities: 600, projects: 60, receivables: 120, payments: 60, assignments: 30 });
  let cost: (q: string, sizes?: TableSizesSnapshot) => number;

  beforeAll(async () => {
    const schema = await kamSchema();
    cost = (q, sizes) => queryCost(schema, parse(q), undefined, undefined, sizes ? () => sizes : undefined);
  });

  it('prices an aggregate by the rows it scans: it grows with the company and the months grouped, not with aliases of nothing', () => {
    const one = cost('{ accountStats { total { accounts } } }', large);
    expect(one).toBeGreaterThan((3000 + 60_000 + 12_000 + 6000 + 18_000) / ROWS_PER_COST_UNIT);
    expect(cost('{ accountStats { total { accounts } } }', small)).toBeLessThan(one / 50);
    // Without table sizes (the old estimate) it cost 3.
    expect(cost('{ accountStats { total { accounts } } }')).toBe(3);
    const year = cost('{ accountStats(groupBy: [MONTH], from: "2025-01-01", to: "2025-12-31") { from } }', large);
    const decade = cost('{ accountStats(groupBy: [MONTH], from: "2016-01-01", to: "2025-12-31") { from } }', large);
    expect(year).toBeGreaterThan(3 * one);
    expect(decade).toBeGreaterThan(5 * year);
    const thirty = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: accountStats { total { accounts } }`).join(' ')} }`;
    expect(cost(thirty, large)).toBeGreaterThan(100_000);
    expect(cost(thirty, small)).toBeLessThan(10_000);
  });

  it('prices the groups an aggregate returns by the grouping, and a root totalCount by its table', () => {
    const byTier = cost('{ accountStats(groupBy: [TIER]) { rows { accounts signed } } }', large);
    const byAccount = cost('{ accountStats(groupBy: [ACCOUNT]) { rows { accounts signed } } }', large);
    expect(byAccount - byTier).toBeGreaterThanOrEqual(3000 * 2 - 10 * 3);
    expect(cost('{ projectStats(groupBy: [ACCOUNT]) { projects } }', large)).toBeGreaterThan(3000);
    const page = cost('{ activities(first: 10) { nodes { id } } }', large);
    expect(cost('{ activities(first: 10) { totalCount nodes { id } } }', large) - page).toBeGreaterThanOrEqual(60_000 / ROWS_PER_COST_UNIT);
    for (const field of ['visitCompliance(asOf: "2025-12-31", first: 10) { totalCount }', 'visitComplianceSummary(asOf: "2025-12-31") { count }', 'monthlyReport(month: "2025-10") { generatedBy }']) {
      expect(cost(`{ ${field} }`, large)).toBeGreaterThan(10 * cost(`{ ${field} }`, small));
    }
    // The year-end review computes figures and compliance for one page of evaluations, and counts them all.
    const review = (first: number, evaluations: number) => cost(`{ yearEndReview(year: 2025, first: ${first}) { totalCount } }`, { ...large, credit_evaluations: evaluations });
    expect(review(500, 3000)).toBeGreaterThan(10 * review(10, 3000));
    expect(review(10, 1_000_000) - review(10, 3000)).toBeGreaterThanOrEqual((1_000_000 - 3000) / ROWS_PER_COST_UNIT);
  });
});
