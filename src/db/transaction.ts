import type { DataSource, EntityManager } from 'typeorm';
import type { RequestContext } from '../common/context';

/** The manager to use for a context: its transaction when inside one. */
export function managerFor(ds: DataSource, ctx: RequestContext): EntityManager {
  return ctx.em ?? ds.manager;
}

/**
 * Runs `fn` in a transaction (joining the context's when there is one) with a context whose services
 * all write through that transaction: either everything is committed or nothing is.
 */
export async function inTransaction<T>(ds: DataSource, ctx: RequestContext, fn: (ctx: RequestContext) => Promise<T>): Promise<T> {
  if (ctx.em?.queryRunner?.isTransactionActive) return fn(ctx);
  return ds.transaction((em) => fn({ ...ctx, em }));
}
