/**
 * The one door for expensive SELECTs (aggregates, compliance, report figures): each runs within the
 * request's time budget and never on the event loop's thread.
 *
 * - **MySQL 8**: the statement carries `/*+ MAX_EXECUTION_TIME(ms) *\/` (SELECTs only, which these are);
 *   **MariaDB** (detected once, when the DataSource was opened: `ds.options.type`) is given
 *   `SET STATEMENT max_statement_time=s FOR …`. Either way the server stops it at the budget and the
 *   caller gets QUERY_TIMEOUT. At most `concurrency` of them hold pool connections at once, each
 *   caller in turn, so the rest of the pool stays free for ordinary requests and /healthz.
 * - **SQLite**: the statement runs in a read-only worker thread ({@link SqliteReadPool}), terminated
 *   past the budget. Inside a transaction (which must see its own uncommitted writes) or on an
 *   in-memory database, it runs on the main connection as before.
 *
 * The SQL and its results are exactly those of the caller's query builder or text; every statement is
 * still reported to the DataSource's logger (query counts and logging stay true).
 */
import { QueryFailedError, type DataSource, type SelectQueryBuilder, type ObjectLiteral } from 'typeorm';
import { callerKey, type RequestContext, type TimeBudget } from '../common/context';
import { DomainError, ErrorCode } from '../common/errors';
import { FairLimiter } from './fair-limiter';
import { SqliteReadPool, SqliteWorkerError } from './sqlite-read-pool';
import { managerFor } from './transaction';

export type Row = Record<string, unknown>;

/** QUERY_TIMEOUT for a request whose budget ran out. */
export function queryTimeout(budget: TimeBudget | undefined): DomainError {
  const seconds = budget?.seconds;
  return new DomainError(
    ErrorCode.QUERY_TIMEOUT,
    `the query ran past its time budget${seconds ? ` of ${seconds} s` : ''} and was stopped: ask for less at once (a shorter period, fewer groups or fewer aggregates per request)`,
    seconds ? { budgetSeconds: seconds } : {},
  );
}

/** The statement with a server-side time limit of `ms`: MySQL's optimizer hint, or MariaDB's SET STATEMENT. */
export function withStatementTimeLimit(sql: string, ms: number, flavor: 'mysql' | 'mariadb'): string {
  const limit = Math.max(1, Math.ceil(ms));
  if (flavor === 'mariadb') return `SET STATEMENT max_statement_time=${(limit / 1000).toFixed(3)} FOR ${sql}`;
  // The hint is honoured only right after the top-level SELECT keyword.
  const m = /^\s*SELECT\b/i.exec(sql);
  return m ? `${m[0]} /*+ MAX_EXECUTION_TIME(${limit}) */${sql.slice(m[0].length)}` : sql;
}

/** MySQL ER_QUERY_TIMEOUT (3024), MariaDB ER_STATEMENT_TIMEOUT (1969). */
export function isStatementTimeout(e: unknown): boolean {
  const driver = (e instanceof QueryFailedError ? e.driverError : e) as { errno?: number; code?: string } | undefined;
  return driver?.errno === 3024 || driver?.errno === 1969 || driver?.code === 'ER_QUERY_TIMEOUT' || driver?.code === 'ER_STATEMENT_TIMEOUT';
}

export interface HeavyReadsOptions {
  /** Heavy statements running at once (SQLite worker threads; MySQL pool connections they may hold). */
  concurrency: number;
}

export class HeavyReads {
  private readonly pool: SqliteReadPool | undefined;
  private readonly limiter: FairLimiter | undefined;
  private readonly flavor: 'mysql' | 'mariadb' | 'sqlite';

  constructor(
    private readonly ds: DataSource,
    options: HeavyReadsOptions,
  ) {
    const type = ds.options.type;
    this.flavor = type === 'mariadb' ? 'mariadb' : type === 'mysql' ? 'mysql' : 'sqlite';
    if (this.flavor !== 'sqlite') this.limiter = new FairLimiter(options.concurrency);
    else {
      const file = String(ds.options.database ?? ':memory:');
      if (file !== ':memory:' && file !== '') this.pool = new SqliteReadPool({ file, size: options.concurrency });
    }
  }

  /** Runs a SELECT query builder's statement; returns the raw rows (what `getRawMany()` returns). */
  rawMany<T extends ObjectLiteral>(ctx: RequestContext, qb: SelectQueryBuilder<T>): Promise<Row[]> {
    const [sql, params] = qb.getQueryAndParameters();
    return this.query(ctx, sql, params);
  }

  /** Runs one SELECT with the driver's positional parameters (`escapeQueryWithParameters` output). */
  async query(ctx: RequestContext, sql: string, params: unknown[] = []): Promise<Row[]> {
    const budget = ctx.budget;
    const timeout = () => queryTimeout(budget);
    if (budget && Date.now() >= budget.deadline) throw timeout();
    const inTransaction = ctx.em !== undefined;
    const em = managerFor(this.ds, ctx);
    if (this.flavor === 'sqlite') {
      if (inTransaction || !this.pool) return (await em.query(sql, params)) as Row[];
      this.ds.logger.logQuery(sql, params);
      try {
        return await this.pool.all(sql, params, callerKey(ctx), budget?.deadline, timeout);
      } catch (e) {
        if (!(e instanceof SqliteWorkerError)) throw e;
        this.ds.logger.logQueryError(e, sql, params);
        throw new QueryFailedError(sql, params, e);
      }
    }
    // A transaction already holds its connection: waiting for a slot while holding it could only add waits.
    const release = inTransaction || !this.limiter ? () => undefined : await this.limiter.acquire(callerKey(ctx), budget?.deadline, timeout);
    try {
      const remaining = budget ? budget.deadline - Date.now() : undefined;
      if (remaining !== undefined && remaining <= 0) throw timeout();
      const statement = remaining === undefined ? sql : withStatementTimeLimit(sql, remaining, this.flavor);
      return (await em.query(statement, params)) as Row[];
    } catch (e) {
      if (isStatementTimeout(e)) throw timeout();
      throw e;
    } finally {
      release();
    }
  }

  /** Heavy statements running and waiting (SQLite pool or MySQL slots). */
  get load(): { running: number; waiting: number } {
    if (this.pool) return this.pool.load;
    return { running: this.limiter?.active ?? 0, waiting: this.limiter?.queued ?? 0 };
  }

  /** Stops the SQLite workers. */
  async close(): Promise<void> {
    await this.pool?.close();
  }
}

const byDataSource = new WeakMap<DataSource, HeavyReads>();

/**
 * The DataSource's HeavyReads, made on first use: every set of services on one DataSource shares one
 * worker pool and one set of slots (tests and `kam serve` may build services more than once).
 */
export function heavyReadsFor(ds: DataSource, options: HeavyReadsOptions): HeavyReads {
  let reads = byDataSource.get(ds);
  if (!reads) byDataSource.set(ds, (reads = new HeavyReads(ds, options)));
  return reads;
}
