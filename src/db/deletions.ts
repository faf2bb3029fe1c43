/**
 * Deletions leave tombstones (issue 15): every delete of a record goes through here — the versioned
 * delete of every service, the bulk deletes of loaders — so an incremental refresh sees it whatever
 * door deleted it. Rows the database deletes by ON DELETE CASCADE are found from the entity metadata
 * and tombstoned too (MySQL fires no trigger for cascaded deletes, so the application does it).
 */
import { type EntityManager, type EntityMetadata, type EntityTarget, type FindOptionsWhere, type ObjectLiteral } from 'typeorm';
import type { RequestContext } from '../common/context';
import { Tombstone } from '../modules/bi/tombstone.entity';

const CHUNK = 1000;

/**
 * `n` positional placeholders. The id lists below are bound, not written into the SQL: TypeORM writes a
 * number parameter into the statement's text on SQLite, so an id list through find/delete is a new
 * statement every time, prepared and then held — with its native memory, which the GC does not see —
 * until a collection happens to come: undoing 200,000 imported accounts grew the process by 300–450 MB.
 * Bound, every full chunk is one statement, prepared once and reused from the driver's cache.
 */
function marks(n: number, mark = '?'): string {
  return new Array(n).fill(mark).join(', ');
}

/** The ids of `meta`'s rows whose `property` (a column) is one of `values`, a chunk a statement. */
async function idsWhereIn(em: EntityManager, meta: EntityMetadata, property: string, values: readonly number[]): Promise<number[]> {
  const d = em.connection.driver;
  const column = meta.findColumnWithPropertyName(property)!.databaseName;
  const out: number[] = [];
  for (let i = 0; i < values.length; i += CHUNK) {
    const chunk = values.slice(i, i + CHUNK);
    const rows = (await em.query(`SELECT ${d.escape(meta.primaryColumns[0].databaseName)} AS id FROM ${d.escape(meta.tableName)} WHERE ${d.escape(column)} IN (${marks(chunk.length)})`, chunk)) as { id: number | string }[];
    for (const r of rows) out.push(Number(r.id));
  }
  return out;
}

/** Key of the acting login in a transaction's `QueryRunner.data` (TypeORM's per-connection user data). */
const ACTOR = 'kamActor';

/** Marks a transaction's manager with who is acting, so deletions through it record by whom. */
export function markActor(em: EntityManager, ctx: RequestContext): void {
  if (em.queryRunner) em.queryRunner.data = { ...em.queryRunner.data, [ACTOR]: ctx.actor.name };
}

function actorOf(em: EntityManager): string | null {
  return (em.queryRunner?.data as Record<string, unknown> | undefined)?.[ACTOR] as string | undefined ?? null;
}

/** Relations that delete rows of another entity when a row of `parent` goes (ON DELETE CASCADE). */
function cascades(em: EntityManager, parent: EntityMetadata): { child: EntityMetadata; column: string }[] {
  return em.connection.entityMetadatas.flatMap((child) =>
    child.manyToOneRelations
      .filter((r) => r.onDelete === 'CASCADE' && r.inverseEntityMetadata.target === parent.target && r.joinColumns.length === 1)
      .map((r) => ({ child, column: r.joinColumns[0].propertyName })),
  );
}

/** What a deletion of `ids` of `target` removes: those rows and the rows it cascades to, by entity name. */
export interface DeletionPlan {
  rows: { entity: string; ids: number[] }[];
}

/** Finds what deleting `ids` of `target` will remove (read before the delete, while the cascaded rows exist). */
export async function planDeletion(em: EntityManager, target: EntityTarget<ObjectLiteral>, ids: readonly number[], plan: DeletionPlan = { rows: [] }, depth = 0): Promise<DeletionPlan> {
  const meta = em.connection.getMetadata(target);
  if (!ids.length || meta.target === Tombstone) return plan;
  plan.rows.push({ entity: meta.name, ids: [...ids] });
  if (depth > 4) return plan;
  for (const { child, column } of cascades(em, meta)) {
    for (let i = 0; i < ids.length; i += CHUNK) {
      await planDeletion(em, child.target as EntityTarget<ObjectLiteral>, await idsWhereIn(em, child, column, ids.slice(i, i + CHUNK)), plan, depth + 1);
    }
  }
  return plan;
}

/** Writes the tombstones of a deletion that happened (same transaction as the delete). */
export async function recordTombstones(em: EntityManager, plan: DeletionPlan): Promise<void> {
  const d = em.connection.driver;
  const meta = em.connection.getMetadata(Tombstone);
  const columns = (['entity', 'entityId', 'deletedAt', 'deletedBy'] as const).map((p) => meta.findColumnWithPropertyName(p)!);
  // As TypeORM would write the date (its created_at/updated_at are the columns' defaults, as when it inserts).
  const deletedAt = d.preparePersistentValue(new Date(), columns[2]) as unknown;
  const deletedBy = actorOf(em);
  const insert = `INSERT INTO ${d.escape(meta.tableName)} (${columns.map((c) => d.escape(c.databaseName)).join(', ')}) VALUES `;
  for (const { entity, ids } of plan.rows) {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      // Bound, not written into the SQL (see marks): one statement a full chunk.
      await em.query(insert + marks(chunk.length, '(?, ?, ?, ?)'), chunk.flatMap((entityId) => [entity, entityId, deletedAt, deletedBy]));
    }
  }
}

/** Deletes the rows of `target` matching `where`, leaving a tombstone for each; returns their ids. */
export async function deleteWhere<T extends ObjectLiteral & { id: number }>(em: EntityManager, target: EntityTarget<T>, where: FindOptionsWhere<T>): Promise<number[]> {
  const ids = (await em.find(target, { select: { id: true } as never, where })).map((r) => r.id);
  await remove(em, em.connection.getMetadata(target), ids);
  return ids;
}

/** Deletes the rows of `target` with these ids (those that exist), leaving a tombstone for each; returns their ids. For long id lists: bound a chunk a statement (see marks). */
export async function deleteIds(em: EntityManager, target: EntityTarget<ObjectLiteral & { id: number }>, ids: readonly number[]): Promise<number[]> {
  const meta = em.connection.getMetadata(target);
  const existing = await idsWhereIn(em, meta, 'id', ids);
  await remove(em, meta, existing);
  return existing;
}

/** Deletes rows that exist by id, with what they cascade to, and writes their tombstones. */
async function remove(em: EntityManager, meta: EntityMetadata, ids: readonly number[]): Promise<void> {
  const d = em.connection.driver;
  const plan = await planDeletion(em, meta.target as EntityTarget<ObjectLiteral>, ids);
  const del = `DELETE FROM ${d.escape(meta.tableName)} WHERE ${d.escape(meta.primaryColumns[0].databaseName)} IN `;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    await em.query(`${del}(${marks(chunk.length)})`, chunk);
  }
  await recordTombstones(em, plan);
}
