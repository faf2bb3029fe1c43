import type { DataSource, EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import type { RequestContext } from '../common/context';
import { notFound } from '../common/errors';
import { toId, type Id } from '../common/ids';

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

/** The row of `entity` with this id (read in the context's transaction), or NOT_FOUND. */
export async function findByIdOrFail<T extends ObjectLiteral>(ds: DataSource, ctx: RequestContext, entity: EntityTarget<T>, id: Id): Promise<T> {
  const key = toId(id, 'id');
  const row = await managerFor(ds, ctx).findOneBy(entity, { id: key } as unknown as FindOptionsWhere<T>);
  if (!row) throw notFound(ds.getMetadata(entity).name, key);
  return row;
}
