/**
 * Proposals the committee decides once (a recommendation, a tier or management-level review): the
 * pending check and the decision write that makes the second of two concurrent decisions lose.
 */
import type { EntityManager } from 'typeorm';
import type { RequestContext } from '../common/context';
import { DomainError, ErrorCode, notFound } from '../common/errors';
import { ReviewStatus } from '../common/enums';

export type Decidable = { id: number; status: ReviewStatus; decidedById: number | null; decidedAt: Date | null; decisionNote: string | null };

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
