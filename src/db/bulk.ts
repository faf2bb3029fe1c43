/**
 * Batched multi-row writes. TypeORM's `save()` on arrays diffs and reloads row by row (typeorm#1115,
 * #3470) and `insert()` ignores `chunk` (#3417), so rows are chunked by hand, under MySQL's limit of
 * 65,535 placeholders per prepared statement and SQLite's 32,766 variables.
 */
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

const MAX_PARAMS = 30_000;
const MAX_ROWS = 1_000;

export function rowsPerStatement(columns: number): number {
  return Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / Math.max(1, columns))));
}

/**
 * Inserts rows in chunks. Returns nothing on purpose: generated ids of a multi-row INSERT are only
 * consecutive on a single MySQL/SQLite server, not on TiDB or Galera, so callers find rows again by
 * their natural keys.
 */
export async function bulkInsert<T extends ObjectLiteral>(em: EntityManager, target: EntityTarget<T>, rows: QueryDeepPartialEntity<T>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = em.getRepository(target).metadata.columns.length;
  const size = rowsPerStatement(columns);
  for (let i = 0; i < rows.length; i += size) {
    await em.createQueryBuilder().insert().into(target).values(rows.slice(i, i + size)).updateEntity(false).execute();
  }
}
