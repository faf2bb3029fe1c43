/**
 * 工作交接 as pure decisions (policy 002: 离职时需办理信息交接 — nothing may be orphaned): a user who still
 * holds anything cannot simply be switched off; a handover names a successor for every item; where
 * ownership moves, only the committee approves it.
 */
import type { Actor, RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { Role } from '../../common/enums';
import { assertAuthenticated, who } from '../auth/access.rules';
import { HandoverItemKind, HandoverItemKinds } from './handover-vocabulary';

/** What a user holds, as items to hand over (kind + the record). */
export interface Holding {
  kind: HandoverItemKind;
  refId: number;
  accountId: number | null;
  label: string;
}

/** Kinds whose handover moves an account's ownership: the committee's decision (谁开发、谁优先). */
export const OWNERSHIP_KINDS: readonly HandoverItemKind[] = [HandoverItemKind.ACCOUNT, HandoverItemKind.CROSS_REGION];

/** HANDOVER_REQUIRED when a user about to be deactivated still holds anything, saying what. */
export function decideDeactivation(user: { name: string }, holdings: readonly Holding[]): void {
  if (!holdings.length) return;
  const counts = new Map<HandoverItemKind, number>();
  for (const h of holdings) counts.set(h.kind, (counts.get(h.kind) ?? 0) + 1);
  const what = [...counts].map(([k, n]) => `${HandoverItemKinds.label(k)} ${n}`).join('、');
  throw new DomainError(
    ErrorCode.HANDOVER_REQUIRED,
    `active: ${user.name} 仍有 ${what}，须先办理工作交接（startHandover，逐项指定接手人）/ still holds ${holdings.length} items: hand them over first (startHandover)`,
    { field: 'active' },
  );
}

/** Starting and preparing a handover: ADMIN or the committee. */
export function decideHandoverPreparation(actor: Actor, what: string): void {
  assertAuthenticated({ actor } as RequestContext);
  if (actor.role !== Role.ADMIN && actor.role !== Role.COMMITTEE) throw new DomainError(ErrorCode.FORBIDDEN, `${who(actor)} may not ${what} (needs ADMIN or COMMITTEE)`);
}

/** Approving: the committee when an account's ownership moves (an ADMIN only when nothing of ownership is in it). */
export function decideHandoverApproval(actor: Actor, items: readonly Pick<Holding, 'kind'>[]): void {
  assertAuthenticated({ actor } as RequestContext);
  const ownership = items.some((i) => OWNERSHIP_KINDS.includes(i.kind));
  const allowed = ownership ? actor.role === Role.COMMITTEE || actor.role === Role.ADMIN : actor.role === Role.ADMIN || actor.role === Role.COMMITTEE;
  if (!allowed) {
    throw new DomainError(ErrorCode.FORBIDDEN, `${who(actor)} may not approve this handover (${ownership ? 'ownership moves: the committee approves' : 'needs ADMIN or COMMITTEE'})`, { field: 'id' });
  }
}

/**
 * Before a handover is applied: every item has a successor (not the leaver), and the items are still
 * everything the user holds — anything acquired since it was opened must be added first.
 */
export function assertHandoverComplete(leaverId: number, items: readonly (Holding & { successorId: number | null })[], now: readonly Holding[]): void {
  const missing = items.filter((i) => i.successorId === null);
  if (missing.length) {
    throw new DomainError(ErrorCode.REQUIRED, `successors: ${missing.length} 项未指定接手人（${missing.slice(0, 3).map((m) => m.label).join('；')}${missing.length > 3 ? '…' : ''}）/ every item needs a successor`, { field: 'successors' });
  }
  if (items.some((i) => i.successorId === leaverId)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'successors: the person leaving cannot succeed themselves', { field: 'successors' });
  const listed = new Set(items.map((i) => `${i.kind}|${i.refId}`));
  const added = now.filter((h) => !listed.has(`${h.kind}|${h.refId}`));
  if (added.length) {
    throw new DomainError(ErrorCode.STALE_PROPOSAL, `id: ${added.length} 项为交接发起后新增（${added.slice(0, 3).map((a) => a.label).join('；')}），请重新发起以列入 / items were added since the handover was opened: start it again to list them`, { field: 'id' });
  }
}
