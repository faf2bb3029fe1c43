/**
 * How busy the database connection pools are, for `/metrics`. mysql2 exposes no public counters, so
 * this reads its pool's queues (`_allConnections`, `_freeConnections`, `_connectionQueue`, mysql2 3.x)
 * — the only file that does; the metrics test pins it. SQLite has one connection and no pool: none.
 */
import type { DataSource } from 'typeorm';

export interface PoolStats {
  pool: string;
  busy: number;
  idle: number;
  waiting: number;
  max: number;
}

interface Mysql2Pool {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
  config?: { connectionLimit?: number };
}

interface TypeormMysqlDriver {
  pool?: Mysql2Pool;
  /** With replication: TypeORM adds `MASTER` and `SLAVE0`, `SLAVE1`… to a mysql2 PoolCluster. */
  poolCluster?: { _nodes?: Record<string, { pool?: Mysql2Pool }> };
}

function statsOf(name: string, pool: Mysql2Pool | undefined): PoolStats | null {
  if (!pool?._allConnections || !pool._freeConnections) return null;
  const all = pool._allConnections.length;
  const idle = pool._freeConnections.length;
  return { pool: name, busy: all - idle, idle, waiting: pool._connectionQueue?.length ?? 0, max: pool.config?.connectionLimit ?? 0 };
}

/** One entry per pool: `primary`, and `replica0`, `replica1`… when reads go to replicas. */
export function poolStats(ds: DataSource): PoolStats[] {
  if (!ds.isInitialized) return [];
  const driver = ds.driver as unknown as TypeormMysqlDriver;
  const out: PoolStats[] = [];
  if (driver.pool) {
    const s = statsOf('primary', driver.pool);
    if (s) out.push(s);
  }
  for (const [id, node] of Object.entries(driver.poolCluster?._nodes ?? {})) {
    const s = statsOf(id === 'MASTER' ? 'primary' : id.replace(/^SLAVE/, 'replica'), node.pool);
    if (s) out.push(s);
  }
  return out;
}
