import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import type { RequestContext } from '../common/context';
import { notFound } from '../common/errors';
import { toId, type Id } from '../common/ids';
import { markActor } from './deletions';

/** The manager to use for a context: its transaction when inside one. */
export function managerFor(ds: DataSource, ctx: RequestContext): EntityManager {
  return ctx.em ?? ds.manager;
}

/**
 * TypeORM's better-sqlite3 driver runs everything on ONE shared connection, and a second
 * `ds.transaction()` started while another is open turns into a SAVEPOINT inside it (or fails with
 * "cannot start a transaction within a transaction"), so concurrent requests corrupt each other's
 * transactions. Transactions on a SQLite DataSource therefore run one after the other in this
 * process; other processes on the same file are serialised by SQLite's own file lock (busy_timeout).
 * MySQL transactions each get a pooled connection and need none of this.
 */
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();
/** The SQLite DataSources whose queue the current async flow holds (to fail fast instead of waiting on itself). */
const holding = new AsyncLocalStorage<DataSource>();

/**
 * Runs `fn` in a transaction (joining the context's when there is one) with a context whose services
 * all write through that transaction: either everything is committed or nothing is.
 */
export async function inTransaction<T>(ds: DataSource, ctx: RequestContext, fn: (ctx: RequestContext) => Promise<T>): Promise<T> {
  if (ctx.em?.queryRunner?.isTransactionActive) return fn(ctx);
  const run = () =>
    ds.transaction((em) => {
      markActor(em, ctx);
      return fn({ ...ctx, em });
    });
  if (ds.options.type !== 'better-sqlite3') return run();
  if (holding.getStore() === ds) {
    // Waiting for our own queue would hang forever: the caller dropped the transaction's context.
    throw new Error('inTransaction: nested transaction without the outer one\'s context; pass the ctx that inTransaction gave you');
  }
  const release = await takeSqliteTurn(ds);
  try {
    return await holding.run(ds, run);
  } finally {
    release();
  }
}

/**
 * Takes a SQLite DataSource's turn — what {@link inTransaction} waits for — for a transaction run by hand on
 * the shared connection (the importer's, on its own QueryRunner), so that no other transaction of the
 * process becomes a savepoint inside it and commits or rolls back with it. Call the returned function once
 * it has committed or rolled back (more calls do nothing). On MySQL every transaction has its own
 * connection: nothing to wait for.
 */
export async function takeSqliteTurn(ds: DataSource): Promise<() => void> {
  if (ds.options.type !== 'better-sqlite3') return () => undefined;
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  const previous = sqliteQueues.get(ds) ?? Promise.resolve();
  sqliteQueues.set(ds, previous.then(() => done, () => done));
  await previous.catch(() => undefined);
  return release;
}

/** The row of `entity` with this id (read in the context's transaction), or NOT_FOUND. */
export async function findByIdOrFail<T extends ObjectLiteral>(ds: DataSource, ctx: RequestContext, entity: EntityTarget<T>, id: Id): Promise<T> {
  const key = toId(id, 'id');
  const row = await managerFor(ds, ctx).findOneBy(entity, { id: key } as unknown as FindOptionsWhere<T>);
  if (!row) throw notFound(ds.getMetadata(entity).name, key);
  return row;
}
