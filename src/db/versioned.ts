/**
 * Optimistic concurrency for every versioned record: an editor sends the `version` it read; a write
 * based on an older version is refused (VERSION_CONFLICT → CONFLICT) instead of silently overwriting
 * someone else's change. The UPDATE itself also checks the version, so two writers racing between
 * read and write cannot both win.
 */
import type { EntityManager, EntityTarget, FindOptionsWhere } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { DomainError, ErrorCode } from '../common/errors';
import type { VersionedRecord } from './columns';
import { planDeletion, recordTombstones } from './deletions';

/** VERSION_CONFLICT when the caller's version is not the current one (no check without one). */
export function assertVersion(row: VersionedRecord, expectedVersion: number | null | undefined, label: string): void {
  if (expectedVersion != null && row.version !== expectedVersion) {
    throw new DomainError(ErrorCode.VERSION_CONFLICT, `${label} was changed by someone else (version ${row.version}, you had ${expectedVersion}); reload and retry`, {
      field: 'version',
      current: row.version,
    });
  }
}

/** Writes `values` to `row` if nobody changed it since it was read; bumps `version` and `updatedAt`. */
export async function updateVersioned<T extends VersionedRecord>(
  em: EntityManager,
  entity: EntityTarget<T>,
  row: T,
  values: QueryDeepPartialEntity<T>,
  expectedVersion: number | null | undefined,
  label: string,
): Promise<void> {
  assertVersion(row, expectedVersion, label);
  const res = await em
    .createQueryBuilder()
    .update(entity)
    .set({ ...values, updatedAt: new Date() } as QueryDeepPartialEntity<T>)
    .where('id = :id AND version = :version', { id: row.id, version: row.version })
    .execute();
  if (res.affected === 0) throw new DomainError(ErrorCode.VERSION_CONFLICT, `${label} was changed concurrently; reload and retry`, { field: 'version' });
}

/** Deletes `row` if nobody changed it since it was read (`expectedVersion`: the version the caller read; required, so a delete never skips the check). */
export async function deleteVersioned<T extends VersionedRecord>(em: EntityManager, entity: EntityTarget<T>, row: T, expectedVersion: number, label: string): Promise<void> {
  assertVersion(row, expectedVersion, label);
  const plan = await planDeletion(em, entity, [row.id]);
  const res = await em.createQueryBuilder().delete().from(entity).where('id = :id AND version = :version', { id: row.id, version: row.version }).execute();
  if (res.affected === 0) throw new DomainError(ErrorCode.VERSION_CONFLICT, `${label} was changed or deleted concurrently; reload and retry`, { field: 'version' });
  // A deletion leaves a tombstone (and one per row it cascaded to), for incremental refreshes.
  await recordTombstones(em, plan);
}

/** `base` with the fields `patch` gives (undefined = keep, null = clear). */
export function mergePatch<T extends object>(base: T, patch: NoInfer<Partial<T>>): T {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Equality of stored and new column values (dates, decimals, arrays and booleans as the drivers return them). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (a instanceof Date || b instanceof Date) return new Date(a as Date).getTime() === new Date(b as Date).getTime();
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  if (typeof a === 'boolean' || typeof b === 'boolean') return Boolean(a) === Boolean(b);
  return String(a) === String(b);
}

/** Properties of `values` that differ from `existing` (undefined = not given). */
export function changedKeys(existing: object, values: object): string[] {
  const e = existing as Record<string, unknown>;
  return Object.entries(values)
    .filter(([k, v]) => v !== undefined && !sameValue(e[k], v))
    .map(([k]) => k);
}

/** Column values of `after` that differ from `before` (what an update really changes, for the rules and the audit trail). */
export function changedValues<T extends object>(before: T, after: Partial<T>): Partial<T> {
  return Object.fromEntries(changedKeys(before, after).map((k) => [k, (after as Record<string, unknown>)[k]])) as Partial<T>;
}

/** The fields a patch or input actually gives (for the audit trail: names, never personal values). */
export function patchFields(input: object): string[] {
  return Object.entries(input).filter(([, v]) => v !== undefined).map(([k]) => k);
}

/**
 * Gives the records of `entity` matching `where` a new owner (`ownerId`), each a new version, and returns
 * their ids: what a reassignment or a handover does to an account's open follow-ups, complaints and plans.
 */
export async function transferOwner<T extends VersionedRecord & { ownerId: number | null }>(em: EntityManager, entity: EntityTarget<T>, where: FindOptionsWhere<T>, toUserId: number): Promise<number[]> {
  const ids = (await em.find(entity, { select: { id: true } as never, where })).map((r) => r.id);
  for (let i = 0; i < ids.length; i += 1000) {
    await em.createQueryBuilder().update(entity).set({ ownerId: toUserId, version: () => 'version + 1' } as never).where('id IN (:...ids)', { ids: ids.slice(i, i + 1000) }).execute();
  }
  return ids;
}
