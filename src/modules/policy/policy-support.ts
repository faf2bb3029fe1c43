/** Small pieces every policy service shares: who may act, ids and texts from input, the database locks. */
import { In, type EntityManager } from 'typeorm';
import type { RequestContext } from '../../common/context';
import type { Loaders } from '../../common/loaders';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { AccountStatus, ReviewStatus, Role } from '../../common/enums';
import { assertLocalDate, today, type LocalDate } from '../../common/dates';
import { cleanText } from '../../common/text';
import { PolicyLock } from './policy-lock.entity';
import type { PolicyLockName } from './defaults';

/**
 * Refuses callers outside `roles` (ADMIN and system callers always pass). Services check this
 * themselves, so the CLI, importers and scripts meet the same rules as the GraphQL API.
 */
export function requireRole(ctx: RequestContext, roles: readonly Role[], what: string): void {
  const { actor } = ctx;
  if (actor.kind === 'anonymous') throw new DomainError(ErrorCode.UNAUTHENTICATED, `${what}: authentication required`);
  if (actor.role === Role.ADMIN || roles.includes(actor.role)) return;
  const allowed = [...roles, Role.ADMIN].join(' or ');
  throw new DomainError(ErrorCode.FORBIDDEN, `${what}: role ${actor.role} may not do this (needs ${allowed})`);
}

export function isRole(ctx: RequestContext, role: Role): boolean {
  return ctx.actor.role === role && ctx.actor.kind !== 'anonymous';
}

/** A GraphQL `ID` (or number) as a positive integer id. */
export function parseId(value: string | number, field: string): number {
  const n = typeof value === 'number' ? value : /^\d{1,15}$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: "${value}" is not an id`, { field });
  return n;
}

export function optionalId(value: string | number | null | undefined, field: string): number | null {
  return value === null || value === undefined || value === '' ? null : parseId(value, field);
}

/** Non-blank text, cleaned; `label` names the field for people (理由 / reason). */
export function requiredText(value: string | null | undefined, field: string, label: string, max = 2000): string {
  const text = cleanText(value);
  if (!text) throw new DomainError(ErrorCode.REQUIRED, `${field}: ${label} is required`, { field });
  if (text.length > max) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: at most ${max} characters`, { field });
  return text;
}

export function optionalText(value: string | null | undefined, field: string, max = 2000): string | null {
  const text = cleanText(value);
  if (text && text.length > max) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: at most ${max} characters`, { field });
  return text;
}

/** A `YYYY-MM-DD` date from input, today when absent. */
export function dateOrToday(value: string | null | undefined, field: string): LocalDate {
  return value ? assertLocalDate(value, field) : today();
}

/**
 * Takes a named lock held until the transaction ends: an UPDATE of the lock's row takes the row lock
 * on MySQL/MariaDB/TiDB (so every API instance waits for it) and the database write lock on SQLite.
 * Call it FIRST in the transaction: on MySQL the reads that follow then see everything committed
 * before the lock was granted (REPEATABLE READ fixes its snapshot at the first plain read).
 */
export async function acquirePolicyLock(em: EntityManager, name: PolicyLockName): Promise<void> {
  if (!em.queryRunner?.isTransactionActive) throw new Error(`policy lock ${name} taken outside a transaction`);
  const take = () =>
    em.createQueryBuilder().update(PolicyLock).set({ counter: () => 'counter + 1' }).where('name = :name', { name }).execute();
  if (((await take()).affected ?? 0) > 0) return;
  // The data migration creates every lock row; a database restored without them gets it back here.
  await em.createQueryBuilder().insert().into(PolicyLock).values({ name, counter: 0 }).orIgnore().execute();
  await take();
}

/** Optimistic update of a versioned row; VERSION_CONFLICT when it changed underneath. */
export async function updateVersioned<T extends { id: number; version: number }>(
  em: EntityManager,
  entity: new () => T,
  row: T,
  values: Partial<T>,
  expectedVersion: number | null | undefined,
  what: string,
): Promise<void> {
  if (expectedVersion != null && row.version !== expectedVersion) {
    throw new DomainError(ErrorCode.VERSION_CONFLICT, `${what} was changed by someone else (version ${row.version}, you had ${expectedVersion}); reload and retry`, { field: 'version' });
  }
  if (Object.keys(values).length === 0) return;
  const res = await em
    .createQueryBuilder()
    .update(entity)
    .set(values as never)
    .where('id = :id AND version = :version', { id: row.id, version: row.version })
    .execute();
  if (res.affected === 0) throw new DomainError(ErrorCode.VERSION_CONFLICT, `${what} was changed concurrently; reload and retry`, { field: 'version' });
}

export function pick(row: object, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, (row as Record<string, unknown>)[k]]));
}

/** Accounts with the statuses whose tier and cadence matter (committee-approved and not ended). */
export const LIVE_STATUSES = [AccountStatus.ACTIVE, AccountStatus.SUSPENDED] as const;

/** ids → rows, in one query. */
export async function loadByIds<T extends { id: number }>(em: EntityManager, entity: new () => T, ids: number[]): Promise<Map<number, T>> {
  if (ids.length === 0) return new Map();
  const rows = await em.findBy(entity, { id: In([...new Set(ids)]) } as never);
  return new Map(rows.map((r) => [r.id, r]));
}

/** A relation through the request's DataLoader (null for a null id). */
export function byId<T extends { id: number }>(loaders: Loaders, entity: new () => T, id: number | null): Promise<T | null> | null {
  return id == null ? null : loaders.byId(entity).load(id);
}

/** A proposal the committee decides once: a recommendation or a tier review. */
type Decidable = { id: number; status: ReviewStatus; decidedById: number | null; decidedAt: Date | null; decisionNote: string | null };

export function alreadyDecided(what: string, row: { status: ReviewStatus; decidedAt: Date | null }): DomainError {
  const when = row.decidedAt ? ` at ${row.decidedAt.toISOString()}` : '';
  return new DomainError(ErrorCode.ALREADY_DECIDED, `the ${what} was already ${row.status.toLowerCase()}${when}; it cannot be decided again`, { field: 'id', status: row.status });
}

/** The row if it is still pending; NOT_FOUND or ALREADY_DECIDED otherwise. */
export async function pendingRow<T extends Decidable>(em: EntityManager, entity: new () => T, id: number, what: string): Promise<T> {
  const row = await em.findOneBy(entity, { id } as never);
  if (!row) throw notFound(entity.name, id);
  if (row.status !== ReviewStatus.PENDING) throw alreadyDecided(what, row);
  return row;
}

/** Records a decision only if the row is still pending: the WHERE makes the second of two concurrent decisions lose. */
export async function decidePending<T extends Decidable>(em: EntityManager, ctx: RequestContext, entity: new () => T, id: number, status: ReviewStatus, note: string | null, what: string): Promise<void> {
  const res = await em
    .createQueryBuilder()
    .update(entity)
    .set({ status, decidedById: ctx.actor.userId, decidedAt: new Date(), decisionNote: note } as never)
    .where('id = :id AND status = :pending', { id, pending: ReviewStatus.PENDING })
    .execute();
  if (res.affected === 0) throw alreadyDecided(what, await em.findOneByOrFail(entity, { id } as never));
}
