/**
 * The yearly tier list (年度大客户名录) as pure decisions: who decides it, and how many accounts each
 * tier would have against its target (the company aims for 3–5 strategic partners).
 */
import type { Actor } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { Role } from '../../common/enums';
import { who } from '../auth/access.rules';
import type { Tier } from '../tiers/tier.entity';
import { targetStatus } from '../tiers/tier.rules';
import type { TargetStatus } from '../tiers/tier-vocabulary';

/**
 * The list is approved or sent back by the general manager when one is named (`approverUserId`), and
 * by nobody else — not even an ADMIN: it is their decision. Without one named, by the committee.
 */
export function decideTierListDecision(actor: Actor, approverUserId: number | null): void {
  if (approverUserId !== null) {
    if (actor.userId !== approverUserId) throw new DomainError(ErrorCode.FORBIDDEN, `${who(actor)} may not decide the yearly tier list: the general manager approves it (tierListApprover)`, { field: 'id' });
    return;
  }
  if (actor.role !== Role.ADMIN && actor.role !== Role.COMMITTEE) {
    throw new DomainError(ErrorCode.FORBIDDEN, `${who(actor)} may not decide the yearly tier list (needs COMMITTEE)`, { field: 'id' });
  }
}

/** Per tier: accounts now, on the list, and the list's count against the target. */
export interface TierListCount {
  tier: Tier;
  current: number;
  proposed: number;
  status: TargetStatus;
}

export function tierListCounts(tiers: readonly Tier[], entries: readonly { fromTierId: number | null; toTierId: number | null }[]): TierListCount[] {
  return tiers.map((tier) => {
    const current = entries.filter((e) => e.fromTierId === tier.id).length;
    const proposed = entries.filter((e) => e.toTierId === tier.id).length;
    return { tier, current, proposed, status: targetStatus(proposed, tier) };
  });
}
