/**
 * The account's service team (服务团队, policy 003) as pure decisions: who may seat whom in which role,
 * and which required seats are empty. AccountTeamService calls them for one change; the gap report
 * calls {@link teamGaps} over accounts, requirements and seats it loaded once.
 */
import type { Actor, RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { AccountStatus, AccountStatuses, Role, defineVocabulary } from '../../common/enums';
import { assertAuthenticated, who } from '../auth/access.rules';
import type { Account } from '../accounts/account.entity';
import type { TeamRole } from './team-role.entity';
import type { TeamRequirement } from './team-requirement.entity';

/** Statuses whose team can be changed: a recommended company already gets its people, an ended one keeps its history. */
const TEAM_STATUSES: readonly AccountStatus[] = [AccountStatus.CANDIDATE, AccountStatus.ACTIVE, AccountStatus.SUSPENDED];

/**
 * Seating or unseating someone in `role` on `account`: ADMIN, the committee, or the account's MANAGER
 * (`manages`: its manager or the manager of an open cross-region assignment). The account manager's
 * seat belongs to the ownership: only the committee's reassignment moves it (OWNERSHIP_CONFLICT).
 */
export function decideTeamChange(actor: Actor, account: Pick<Account, 'code' | 'status'>, manages: boolean, role: Pick<TeamRole, 'code' | 'name' | 'fromOwnership' | 'active'>): void {
  assertAuthenticated({ actor } as RequestContext);
  const allowed = actor.role === Role.ADMIN || actor.role === Role.COMMITTEE || (actor.role === Role.MANAGER && manages);
  if (!allowed) {
    const reason = actor.role === Role.MANAGER ? `account ${account.code} is managed by someone else` : 'needs ADMIN, COMMITTEE, or MANAGER of the account';
    throw new DomainError(ErrorCode.FORBIDDEN, `${who(actor)} may not change the service team of account ${account.code}: ${reason}`, { field: 'accountId' });
  }
  if (role.fromOwnership) {
    throw new DomainError(
      ErrorCode.OWNERSHIP_CONFLICT,
      `role: ${role.name}由归属决定，只能由大客户管理委员会改派（reassignAccount）/ the account manager is the owning unit's, changed only by the committee's reassignment`,
      { field: 'role' },
    );
  }
  if (!role.active) throw new DomainError(ErrorCode.VALIDATION_FAILED, `role: ${role.name} (${role.code}) is deactivated`, { field: 'role' });
  if (!TEAM_STATUSES.includes(account.status)) {
    throw new DomainError(ErrorCode.INVALID_STATE, `accountId: account ${account.code} is ${AccountStatuses.label(account.status)}; its team is history`, { field: 'accountId' });
  }
}

export enum TeamGapReason {
  VACANT = 'VACANT',
  HOLDER_INACTIVE = 'HOLDER_INACTIVE',
}
export const TeamGapReasons = defineVocabulary(TeamGapReason, 'TeamGapReason', '团队缺口原因 / why a required seat counts as empty', {
  VACANT: { label: '未指定', en: 'nobody holds the role', aliases: ['空缺'] },
  HOLDER_INACTIVE: { label: '人员已离职或停用', en: 'the holder is no longer an active user', aliases: ['已离职'] },
});

/** What the gap rule reads of an account. */
export interface GapAccount {
  id: number;
  tierId: number | null;
  /** Recorded annual sales (分): the requirement thresholds read these, never the manager's estimate. */
  recordedSalesFen: number;
}

/** A seat as the gap rule reads it: who holds which role now, and whether that user is still active. */
export interface Seat {
  accountId: number;
  roleId: number;
  userId: number;
  userActive: boolean;
}

export interface TeamGap {
  accountId: number;
  requirement: TeamRequirement;
  reason: TeamGapReason;
  /** The inactive holder (HOLDER_INACTIVE). */
  userId: number | null;
}

/** Does a requirement apply to an account (its tier, and its recorded sales at or above the threshold)? */
export function requirementApplies(req: Pick<TeamRequirement, 'tierId' | 'minAnnualSalesFen' | 'active'>, account: GapAccount): boolean {
  if (!req.active) return false;
  if (req.tierId !== null && req.tierId !== account.tierId) return false;
  return req.minAnnualSalesFen === null || account.recordedSalesFen >= req.minAnnualSalesFen;
}

/** Every required seat that is empty, or held only by someone no longer active. */
export function teamGaps(accounts: readonly GapAccount[], requirements: readonly TeamRequirement[], seats: readonly Seat[]): TeamGap[] {
  const held = new Map<string, Seat[]>();
  for (const s of seats) held.set(`${s.accountId}|${s.roleId}`, [...(held.get(`${s.accountId}|${s.roleId}`) ?? []), s]);
  const gaps: TeamGap[] = [];
  for (const account of accounts) {
    for (const req of requirements) {
      if (!requirementApplies(req, account)) continue;
      const holders = held.get(`${account.id}|${req.roleId}`) ?? [];
      if (holders.some((h) => h.userActive)) continue;
      gaps.push({ accountId: account.id, requirement: req, reason: holders.length ? TeamGapReason.HOLDER_INACTIVE : TeamGapReason.VACANT, userId: holders[0]?.userId ?? null });
    }
  }
  return gaps;
}
