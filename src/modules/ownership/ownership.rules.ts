/**
 * 谁开发、谁优先 as pure decisions: which statuses own an account, which existing account a company
 * duplicates, whether a unit may take it, who may move it. No database: AccountService and
 * OwnershipService call these for one record, the annex loaders for every row of a batch over the
 * accounts and assignments they loaded once — so every door gives the same answer.
 */
import { say } from '../../common/messages';
import type { Actor } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { AccountStatus, AccountStatuses, AssignmentReason, AssignmentReasons, Role } from '../../common/enums';
import { cleanText } from '../../common/text';
import type { Account } from '../accounts/account.entity';

/** Statuses in which an account has an owner that others must respect. */
export const OWNED_STATUSES: readonly AccountStatus[] = [AccountStatus.CANDIDATE, AccountStatus.ACTIVE, AccountStatus.SUSPENDED];
/** Committee-approved and not ended: tier, cadence and assignments apply. */
export const LIVE_STATUSES: readonly AccountStatus[] = [AccountStatus.ACTIVE, AccountStatus.SUSPENDED];
/** The reasons for which the committee may move an account to another unit or manager. */
export const REASSIGN_REASONS: readonly AssignmentReason[] = [AssignmentReason.MANAGER_UNFIT, AssignmentReason.CUSTOMER_REQUEST, AssignmentReason.CONFLICT_OF_INTEREST];

/** What the ownership rules read of an account. */
export type OwnedAccount = Pick<Account, 'id' | 'code' | 'name' | 'status' | 'ownerUnitId' | 'managerId'>;

export interface DuplicateMatch<A extends OwnedAccount = OwnedAccount> {
  account: A;
  /** How it matched: the same 统一社会信用代码, or the same normalised 单位名称. */
  field: 'creditCode' | 'name';
}

/** Names a unit in a message (the only thing a refusal tells about another unit's account). */
export type UnitNamer = (unitId: number) => string;

export function isOwned(account: Pick<Account, 'status' | 'ownerUnitId'>): boolean {
  return OWNED_STATUSES.includes(account.status) && account.ownerUnitId !== null;
}

/**
 * The account a company duplicates: the one with its credit code, else one with its normalised
 * name (an owned one first, else the oldest). `byName` are the accounts sharing the name key.
 */
export function pickDuplicate<A extends OwnedAccount>(byCredit: A | null | undefined, byName: readonly A[]): DuplicateMatch<A> | null {
  if (byCredit) return { account: byCredit, field: 'creditCode' };
  const owned = byName.find((a) => isOwned(a));
  const found = owned ?? [...byName].sort((x, y) => x.id - y.id)[0];
  return found ? { account: found, field: 'name' } : null;
}

/**
 * May `unitId` take a company that matches an existing account (recommend it, or claim it back)?
 * An unowned or ended account may be taken; one the unit already has is ALREADY_EXISTS; one another
 * unit owns is OWNERSHIP_CONFLICT naming only that unit. `crossRegionUnitIds` are the units with an
 * open cross-region assignment on the account (they work on it too).
 */
export function assertClaimable(match: DuplicateMatch, unitId: number | null, crossRegionUnitIds: readonly number[], unitName: UnitNamer, prefix = 'account.'): void {
  const { account, field } = match;
  if (!isOwned(account)) return;
  const path = `${prefix}${field}`;
  if (unitId !== null && (account.ownerUnitId === unitId || crossRegionUnitIds.includes(unitId))) {
    throw new DomainError(ErrorCode.ALREADY_EXISTS, `${path}: your unit already has this company as account ${account.code} (${AccountStatuses.label(account.status)})`, { field: path });
  }
  const what = field === 'creditCode' ? '统一社会信用代码' : '单位名称';
  throw new DomainError(
    ErrorCode.OWNERSHIP_CONFLICT,
    `${path}: 该客户（${what}相同）已由「${unitName(account.ownerUnitId as number)}」开发（谁开发、谁优先）/ another unit already develops this company`,
    { field: path },
  );
}

/**
 * A new account (created outright, not recommended) may never duplicate an existing company:
 * OWNERSHIP_CONFLICT when another unit owns it, else ALREADY_EXISTS pointing at the account.
 */
export function refuseDuplicate(match: DuplicateMatch, unitId: number | null, crossRegionUnitIds: readonly number[], unitName: UnitNamer): never {
  assertClaimable(match, unitId, crossRegionUnitIds, unitName, '');
  throw new DomainError(
    ErrorCode.ALREADY_EXISTS,
    `${match.field}: the company is already account ${match.account.code} ${match.account.name}; change that account, or recommend it (recommendAccount) if it has no owner`,
    { field: match.field },
  );
}

/** An account's status changes by an update only between 合作中 and 暂停, by the committee; every other move has its own procedure. */
export function assertStatusChange(actor: Actor, account: Pick<Account, 'code' | 'status'>, to: AccountStatus): void {
  const from = account.status;
  const refuse = (how: string): never => {
    throw new DomainError(ErrorCode.INVALID_STATE, `status: account ${account.code} cannot go from ${AccountStatuses.label(from)} to ${AccountStatuses.label(to)} by an update; ${how}`, { field: 'status' });
  };
  if (to === AccountStatus.CANDIDATE || from === AccountStatus.TERMINATED || from === AccountStatus.REJECTED) refuse('a unit recommends it (recommendAccount)');
  if (from === AccountStatus.CANDIDATE) refuse('the committee approves or rejects the recommendation');
  if (to === AccountStatus.TERMINATED) refuse('the committee terminates it (terminateAccount or the year-end decision)');
  if (to === AccountStatus.REJECTED) refuse('only a recommendation is rejected');
  if (actor.role === Role.MANAGER) {
    throw new DomainError(ErrorCode.FORBIDDEN, `status: suspending or resuming account ${account.code} is for the committee`, { field: 'status' });
  }
}

/**
 * Owner and manager change by an update only to fill in what is missing: the first owner of an
 * unowned live account (not by a manager: it recommends), or a manager where there was none.
 * Everything else is a reassignment, the committee's (reassignAccount, with a reason).
 */
export function assertOwnerChange(actor: Actor, account: Pick<Account, 'code' | 'status' | 'ownerUnitId' | 'managerId'>, next: { ownerUnitId?: number | null; managerId?: number | null }, unitName: UnitNamer): void {
  const ownerChanged = next.ownerUnitId !== undefined && next.ownerUnitId !== account.ownerUnitId;
  const managerChanged = next.managerId !== undefined && next.managerId !== account.managerId;
  if (!ownerChanged && !managerChanged) return;
  const field = ownerChanged ? 'ownerUnitId' : 'managerId';
  if (account.status === AccountStatus.TERMINATED || account.status === AccountStatus.REJECTED) {
    throw new DomainError(ErrorCode.INVALID_STATE, `${field}: ${say(`客户 ${account.code} 的状态为${AccountStatuses.label(account.status)}：单位须重新推荐（recommendAccount）才能再接手`, `account ${account.code} is ${AccountStatuses.label(account.status)}; a unit takes it up again by recommending it (recommendAccount)`)}`, { field });
  }
  if (account.ownerUnitId === null) {
    if (actor.role === Role.MANAGER) throw new DomainError(ErrorCode.OWNERSHIP_CONFLICT, `${field}: ${say(`客户 ${account.code} 尚无归属单位：请推荐（recommendAccount），由委员会批准`, `account ${account.code} has no owner yet; recommend it (recommendAccount) for the committee to approve`)}`, { field });
    return;
  }
  const fillingManager = !ownerChanged && account.managerId === null && next.managerId != null;
  if (!fillingManager || (actor.role === Role.MANAGER && next.managerId !== actor.userId)) {
    throw new DomainError(
      ErrorCode.OWNERSHIP_CONFLICT,
      `${field}: ${say(`客户 ${account.code} 归属「${unitName(account.ownerUnitId)}」（谁开发、谁优先）；归属单位和客户经理只能由大客户管理委员会变更（reassignAccount，须说明原因：客户经理不胜任、客户要求或利益冲突）`, `account ${account.code} belongs to 「${unitName(account.ownerUnitId)}」 (who develops it comes first); only the committee reassigns an account, for a stated reason (reassignAccount)`)}`,
      { field },
    );
  }
}

/** A reassignment's ground: one of the enumerated reasons (a second unit is addCrossRegionUnit). */
export function parseReassignReason(input: AssignmentReason | string | null | undefined): AssignmentReason {
  if (!cleanText(input as string | null | undefined)) {
    throw new DomainError(ErrorCode.REQUIRED, `reason: a reassignment needs one of ${REASSIGN_REASONS.map((r) => `${AssignmentReasons.label(r)} ${r}`).join('、')}`, { field: 'reason' });
  }
  const reason = AssignmentReasons.parse(String(input), 'reason');
  if (reason === AssignmentReason.CROSS_REGION) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'reason: a second unit for a cross-region account is added with addCrossRegionUnit; the owner stays', { field: 'reason' });
  }
  if (!REASSIGN_REASONS.includes(reason)) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `reason: ${AssignmentReasons.label(reason)} is not a ground for reassignment (${REASSIGN_REASONS.map((r) => AssignmentReasons.label(r)).join('、')})`, { field: 'reason' });
  }
  return reason;
}
