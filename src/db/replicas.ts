/**
 * Read replicas (`KAM_DATABASE_REPLICA_URLS`, MySQL/MariaDB). TypeORM's replication (`replication:
 * { master, slaves }`, a mysql2 PoolCluster) supplies the connections; this file decides which reads
 * may use them:
 *
 * - Only reads of a request marked for replicas ({@link readRouting}): GraphQL queries and the GET
 *   downloads (exports, reports, feeds). Mutations, imports, logins, authentication, the audit writes of
 *   a query and everything in a transaction stay on the primary. Only plain SELECTs ever leave it.
 * - Read-your-own-writes: a caller who wrote reads from the primary for a while after
 *   ({@link ReplicaRouter.noteWrite}) — longer than a replica may lag and still be used.
 * - Lag: every replica is checked every {@link CHECK_INTERVAL_MS} (`SHOW REPLICA STATUS`); one further
 *   behind than `KAM_REPLICA_MAX_LAG_SECONDS`, not replicating, or unreachable gets no reads until it
 *   recovers. With no replica fit, reads go to the primary; a replica failing mid-statement is retried
 *   on the primary (a SELECT can be), so a replica going down costs no request.
 *
 * TypeORM's own choice between master and slave is replaced at three points, all on the DataSource
 * instance: `defaultReplicationModeForReads` (query builders), `query` (raw SQL of the list readers) and
 * the driver's `obtainSlaveConnection` and `createQueryRunner` (which replica; falling back).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, QueryRunner, ReplicationMode } from 'typeorm';
import type { DatabaseConfig } from '../config';
import type { Logger } from '../common/logger';

export const CHECK_INTERVAL_MS = 2000;

/** Per request: may its reads go to a replica? Mutable, so a request can decide once it knows its operation. */
export interface ReadRoute {
  replica: boolean;
}

export const readRouting = new AsyncLocalStorage<ReadRoute>();

type MysqlDatabase = Extract<DatabaseConfig, { kind: 'mysql' }>;

export interface ReplicaState {
  /** `replica0`, `replica1`… in the order of KAM_DATABASE_REPLICA_URLS. */
  name: string;
  /** Where it is (no password). */
  address: string;
  /** Reachable and replicating. */
  up: boolean;
  /** Seconds behind the primary at the last check; null when unknown. */
  lagSeconds: number | null;
  /** Fit for reads: up and within the lag limit. */
  inUse: boolean;
  reason: string | null;
}

interface PooledConnection {
  query(sql: string, cb: (err: Error | null, rows: unknown) => void): void;
  release(): void;
}

interface ReplicatedDriver {
  poolCluster?: { getConnection(pattern: string, cb: (err: Error | null, conn: PooledConnection) => void): void };
  obtainMasterConnection(): Promise<unknown>;
  obtainSlaveConnection(): Promise<unknown>;
  prepareDbConnection(conn: unknown): unknown;
  createQueryRunner(mode: ReplicationMode): QueryRunner;
}

const PLAIN_SELECT = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*(?:SET\s+STATEMENT\s+[^;]*?\s+FOR\s+)?(?:SELECT|WITH)\b/i;
const LOCKING_READ = /\bFOR\s+UPDATE\b|\bLOCK\s+IN\s+SHARE\s+MODE\b|\bFOR\s+SHARE\b/i;

/** A statement a replica may answer: a SELECT that takes no locks. */
export function isPlainSelect(sql: string): boolean {
  return PLAIN_SELECT.test(sql) && !LOCKING_READ.test(sql);
}

/** Errors that say the server is gone, not that the statement is wrong. */
function isConnectionError(e: unknown): boolean {
  const err = e as { code?: string; driverError?: { code?: string }; fatal?: boolean; message?: string };
  const code = err.driverError?.code ?? err.code ?? '';
  // mysql2 hands out a pooled connection whose socket has just closed: "Can't add new command when connection is in closed state".
  if (/closed state|connection is closed|connection lost/i.test(err.message ?? '')) return true;
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'PROTOCOL_CONNECTION_LOST', 'POOL_NONEONLINE', 'POOL_NOEXIST', 'ER_CON_COUNT_ERROR', 'PROTOCOL_SEQUENCE_TIMEOUT'].includes(code) || err.fatal === true;
}

/** TypeORM `replication` options for a primary and its replicas. */
export function replicationOptions(primary: MysqlDatabase, replicas: MysqlDatabase[]) {
  const node = (d: MysqlDatabase) => ({ host: d.host, port: d.port, username: d.user, password: d.password, database: d.database });
  return {
    master: node(primary),
    slaves: replicas.map(node),
    // Everything goes to the primary unless this file says otherwise.
    defaultMode: 'master' as const,
    // mysql2 PoolCluster: no retries of its own (with one node per pattern, `canRetry` retries the dead
    // node forever) and a failing node is never removed for good; the router below falls back and retries.
    canRetry: false,
    removeNodeErrorCount: Number.MAX_SAFE_INTEGER,
  };
}

const routers = new WeakMap<DataSource, ReplicaRouter>();

/** The router of a DataSource opened with replicas, or undefined. */
export function replicaRouter(ds: DataSource): ReplicaRouter | undefined {
  return routers.get(ds);
}

export class ReplicaRouter {
  readonly states: ReplicaState[];
  private timer: NodeJS.Timeout | undefined;
  private next = 0;
  private readonly writers = new Map<string, number>();
  /** SELECTs sent to a replica / kept on the primary because the request may not use one (metrics). */
  readonly counts = { replica: 0, primary: 0, fallback: 0 };

  constructor(
    private readonly ds: DataSource,
    replicas: MysqlDatabase[],
    readonly maxLagSeconds: number,
    private logger?: Logger,
  ) {
    this.states = replicas.map((r, i) => ({ name: `replica${i}`, address: `${r.host}:${r.port}`, up: false, lagSeconds: null, inUse: false, reason: 'not checked yet' }));
    routers.set(ds, this);
    this.install();
  }

  setLogger(logger: Logger): void {
    this.logger = logger;
  }

  /** How long after a write its caller reads from the primary: longer than any replica in use may lag. */
  get stickyMs(): number {
    return this.maxLagSeconds * 1000 + CHECK_INTERVAL_MS * 2;
  }

  /** `caller` wrote: its reads stay on the primary for {@link stickyMs}. */
  noteWrite(caller: string, now = Date.now()): void {
    this.writers.set(caller, now + this.stickyMs);
    if (this.writers.size > 10_000) for (const [k, until] of this.writers) if (until < now) this.writers.delete(k);
  }

  /** May `caller` read from a replica now (it has not written lately)? */
  mayUseReplica(caller: string, now = Date.now()): boolean {
    const until = this.writers.get(caller);
    if (until === undefined) return true;
    if (until > now) return false;
    this.writers.delete(caller);
    return true;
  }

  /** Checks every replica now, then every {@link CHECK_INTERVAL_MS}. */
  async start(): Promise<void> {
    await this.checkAll();
    this.timer ??= setInterval(() => void this.checkAll(), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async checkAll(): Promise<void> {
    await Promise.all(this.states.map((s, i) => this.check(s, i)));
  }

  private async check(state: ReplicaState, index: number): Promise<void> {
    const before = state.inUse;
    try {
      const status = await this.replicaStatus(index);
      if (status === null) {
        // Not a replica of anything (a read-only endpoint, a TiDB follower…): no lag to read.
        Object.assign(state, { up: true, lagSeconds: 0, reason: null });
      } else {
        const running = status.io === 'Yes' && status.sql === 'Yes';
        Object.assign(state, { up: true, lagSeconds: status.lag, reason: running ? null : 'replication is stopped' });
        if (running && status.lag === null) state.reason = 'lag unknown';
      }
    } catch (e) {
      Object.assign(state, { up: false, lagSeconds: null, reason: `unreachable: ${(e as Error).message.split('\n')[0]}` });
    }
    if (state.reason === null && state.lagSeconds !== null && state.lagSeconds > this.maxLagSeconds) state.reason = `${state.lagSeconds} s behind (limit ${this.maxLagSeconds} s)`;
    state.inUse = state.up && state.reason === null;
    if (before !== state.inUse) {
      if (state.inUse) this.logger?.info('read replica in use', { replica: state.name, address: state.address, lagSeconds: state.lagSeconds });
      else this.logger?.warn('read replica not used: reads go to the primary or another replica', { replica: state.name, address: state.address, reason: state.reason });
    }
  }

  private replicaStatus(index: number): Promise<{ io: string; sql: string; lag: number | null } | null> {
    const driver = this.ds.driver as unknown as ReplicatedDriver;
    return new Promise((resolve, reject) => {
      driver.poolCluster!.getConnection(`SLAVE${index}`, (err, conn) => {
        if (err) return reject(err);
        // MariaDB ≥ 10.5 and MySQL ≥ 8.0.22 say REPLICA; older ones only SLAVE.
        conn.query('SHOW REPLICA STATUS', (e1, rows1) => {
          const done = (rows: unknown) => {
            conn.release();
            const row = (rows as Record<string, unknown>[])[0];
            if (!row) return resolve(null);
            const lag = row.Seconds_Behind_Master ?? row.Seconds_Behind_Source;
            resolve({ io: String(row.Slave_IO_Running ?? row.Replica_IO_Running), sql: String(row.Slave_SQL_Running ?? row.Replica_SQL_Running), lag: lag === null || lag === undefined ? null : Number(lag) });
          };
          if (!e1) return done(rows1);
          conn.query('SHOW SLAVE STATUS', (e2, rows2) => {
            if (e2) {
              conn.release();
              return reject(e2);
            }
            done(rows2);
          });
        });
      });
    });
  }

  /** Does the current request send this read to a replica? */
  private routeToReplica(): boolean {
    return readRouting.getStore()?.replica === true && this.states.some((s) => s.inUse);
  }

  private install(): void {
    const ds = this.ds;
    const driver = ds.driver as unknown as ReplicatedDriver;
    ds.defaultReplicationModeForReads = () => {
      const replica = this.routeToReplica();
      this.counts[replica ? 'replica' : 'primary']++;
      return replica ? 'slave' : 'master';
    };
    const query = ds.query.bind(ds);
    ds.query = (async (sql: string, parameters?: unknown[], queryRunner?: QueryRunner) => {
      if (queryRunner || !isPlainSelect(sql)) return query(sql, parameters, queryRunner);
      const replica = this.routeToReplica();
      this.counts[replica ? 'replica' : 'primary']++;
      if (!replica) return query(sql, parameters);
      const runner = ds.createQueryRunner('slave');
      try {
        return await runner.query(sql, parameters);
      } finally {
        await runner.release();
      }
    }) as DataSource['query'];
    // Which replica: the next one in use; none in use (or it fails to connect) → the primary.
    driver.obtainSlaveConnection = async () => {
      const candidates = this.states.map((s, i) => ({ s, i })).filter((x) => x.s.inUse);
      if (!candidates.length) return driver.obtainMasterConnection();
      const { s, i } = candidates[this.next++ % candidates.length];
      try {
        const conn = await new Promise<PooledConnection>((resolve, reject) => driver.poolCluster!.getConnection(`SLAVE${i}`, (err, c) => (err ? reject(err) : resolve(c))));
        return driver.prepareDbConnection(conn);
      } catch (e) {
        this.markDown(s, e);
        this.counts.fallback++;
        return driver.obtainMasterConnection();
      }
    };
    // A replica that fails mid-statement: the SELECT runs again on the primary.
    const createQueryRunner = driver.createQueryRunner.bind(driver);
    driver.createQueryRunner = (mode: ReplicationMode) => {
      const runner = createQueryRunner(mode);
      if (mode !== 'slave') return runner;
      const run = runner.query.bind(runner);
      runner.query = (async (...args: Parameters<QueryRunner['query']>) => {
        try {
          return await run(...args);
        } catch (e) {
          if (!isConnectionError(e)) throw e;
          for (const s of this.states) if (s.inUse) this.markDown(s, e);
          this.counts.fallback++;
          const primary = createQueryRunner('master');
          try {
            return await primary.query(...args);
          } finally {
            await primary.release();
          }
        }
      }) as QueryRunner['query'];
      return runner;
    };
  }

  private markDown(state: ReplicaState, e: unknown): void {
    if (!state.inUse) return;
    Object.assign(state, { up: false, inUse: false, reason: `unreachable: ${(e as Error).message?.split('\n')[0] ?? String(e)}` });
    this.logger?.warn('read replica not used: reads go to the primary or another replica', { replica: state.name, address: state.address, reason: state.reason });
  }
}
