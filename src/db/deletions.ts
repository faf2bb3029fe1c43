/**
 * Deletions leave tombstones (issue 15): every delete of a record goes through here — the versioned
 * delete of every service, the bulk deletes of loaders — so an incremental refresh sees it whatever
 * door deleted it. Rows the database deletes by ON DELETE CASCADE are found from the entity metadata
 * and tombstoned too (MySQL fires no trigger for cascaded deletes, so the application does it).
 */
import { In, type EntityManager, type EntityMetadata, type EntityTarget, type FindOptionsWhere, type ObjectLiteral } from 'typeorm';
import type { RequestContext } from '../common/context';
import { Tombstone } from '../modules/bi/tombstone.entity';

const CHUNK = 1000;
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
      const rows = await em.find(child.target as EntityTarget<ObjectLiteral>, { select: { id: true }, where: { [column]: In(ids.slice(i, i + CHUNK)) } });
      await planDeletion(em, child.target as EntityTarget<ObjectLiteral>, rows.map((r) => r.id as number), plan, depth + 1);
    }
  }
  return plan;
}

/** Writes the tombstones of a deletion that happened (same transaction as the delete). */
export async function recordTombstones(em: EntityManager, plan: DeletionPlan): Promise<void> {
  const deletedAt = new Date();
  const deletedBy = actorOf(em);
  for (const { entity, ids } of plan.rows) {
    for (let i = 0; i < ids.length; i += CHUNK) {
      // (updateEntity(false): TypeORM would read the rows back by an OR of their ids, too deep for SQLite past 1,000)
      await em.createQueryBuilder().insert().into(Tombstone).values(ids.slice(i, i + CHUNK).map((entityId) => ({ entity, entityId, deletedAt, deletedBy }))).updateEntity(false).execute();
    }
  }
}

/** Deletes the rows of `target` matching `where`, leaving a tombstone for each; returns their ids. */
export async function deleteWhere<T extends ObjectLiteral & { id: number }>(em: EntityManager, target: EntityTarget<T>, where: FindOptionsWhere<T>): Promise<number[]> {
  const ids = (await em.find(target, { select: { id: true } as never, where })).map((r) => r.id);
  const plan = await planDeletion(em, target as EntityTarget<ObjectLiteral>, ids);
  for (let i = 0; i < ids.length; i += CHUNK) await em.delete(target, { id: In(ids.slice(i, i + CHUNK)) } as never);
  await recordTombstones(em, plan);
  return ids;
}
