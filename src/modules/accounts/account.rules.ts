/**
 * Who may create an account and change which of its fields in which state — pure decisions over
 * the actor, the stored account and the change, called by AccountService for one write and by the
 * annex loaders for every row (over accounts and assignments they loaded once per batch). The order
 * of the checks is the order of the answers: role first, then ownership, then state.
 */
import type { Actor, RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { AccountStatus, Role } from '../../common/enums';
import { changedValues } from '../../db/versioned';
import { assertAuthenticated, assertRole, hasRole, who } from '../auth/access.rules';
import { assertOwnerChange, assertStatusChange, type UnitNamer } from '../ownership/ownership.rules';
import type { Account } from './account.entity';

/** Account fields that decide tier and ownership: the committee's (or an admin's), never a manager's own. */
export const ACCOUNT_GOVERNANCE_FIELDS = ['tierCode', 'managementLevel', 'status', 'ownerUnitId', 'managerId'] as const;
/** Governance fields a manager may fill in on its own recommendation (a candidate): a proposal the committee decides on approval. */
const CANDIDATE_PROPOSALS = ['tierCode', 'managementLevel'];

/** Input field names of the columns whose input goes by another name (for access rules and messages). */
export const INPUT_NAME_OF: Readonly<Record<string, string>> = {
  tierId: 'tierCode',
  managementLevelId: 'managementLevel',
  totalAssetsFen: 'totalAssets',
  expectedContractValueFen: 'expectedContractValue',
  annualSalesFen: 'annualSales',
};

/** The input fields an update really changes (a form sending back the unchanged manager is not a reassignment). */
export function changedAccountFields(account: Account, values: Partial<Account>): string[] {
  return Object.keys(changedValues(account, values))
    .map((k) => INPUT_NAME_OF[k] ?? k)
    .filter((k) => k !== 'source' && k !== 'nameKey');
}

/** What a new account starts as: its status, owning unit and manager after the rules. */
export interface NewAccountOwnership {
  status: AccountStatus;
  ownerUnitId: number | null;
  managerId: number | null;
}

/**
 * A new account: ADMIN, or a MANAGER — whose new account is a recommendation (谁开发、谁优先): a
 * CANDIDATE of its own unit with itself as manager, awaiting the committee. `statusGiven` says
 * whether the caller named a status (a manager may name only 待审批).
 */
export function decideAccountCreate(ctx: RequestContext, values: { status?: AccountStatus | null; ownerUnitId?: number | null; managerId?: number | null }, statusGiven: boolean): NewAccountOwnership {
  assertRole(ctx, [Role.MANAGER], 'create accounts');
  const { actor } = ctx;
  const status = values.status ?? AccountStatus.ACTIVE;
  if (status === AccountStatus.REJECTED) throw new DomainError(ErrorCode.INVALID_STATE, 'status: a new account cannot start as rejected', { field: 'status' });
  if (actor.role === Role.MANAGER) {
    if (actor.userId === null) throw new DomainError(ErrorCode.FORBIDDEN, `${who(actor)} acts as no user, so it cannot manage an account`);
    if (values.managerId != null && values.managerId !== actor.userId) {
      throw new DomainError(ErrorCode.FORBIDDEN, `${who(actor)} may create only accounts it manages itself (managerId)`, { field: 'managerId' });
    }
    if (actor.unitId === null) throw new DomainError(ErrorCode.FORBIDDEN, 'ownerUnitId: your user belongs to no unit, so it cannot recommend accounts', { field: 'ownerUnitId' });
    if (values.ownerUnitId != null && values.ownerUnitId !== actor.unitId) {
      throw new DomainError(ErrorCode.FORBIDDEN, `${who(actor)} may create accounts only for its own unit (ownerUnitId)`, { field: 'ownerUnitId' });
    }
    if (statusGiven && status !== AccountStatus.CANDIDATE) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'status: a manager\'s new account is a candidate until the committee approves it (谁开发、谁优先)', { field: 'status' });
    }
    return { status: AccountStatus.CANDIDATE, ownerUnitId: actor.unitId, managerId: actor.userId };
  }
  if (status === AccountStatus.CANDIDATE && values.ownerUnitId == null) {
    throw new DomainError(ErrorCode.REQUIRED, 'ownerUnitId: a candidate needs the unit that recommends it', { field: 'ownerUnitId' });
  }
  return { status, ownerUnitId: values.ownerUnitId ?? null, managerId: values.managerId ?? null };
}

/**
 * A change of `changed` (input field names) to `account`, going to `next`. `manages`: the actor is
 * the account's manager or the manager of an open (cross-region) assignment on it.
 *
 * - governance fields (tier, level, status, owner, manager) are the committee's (or an admin's); a
 *   manager may propose a tier or level only on its own candidate;
 * - the other fields belong to an admin or the account's manager;
 * - status, owner and manager move only by their procedures (approval, reassignment, termination);
 * - a tier or level, once the committee decided it, changes only through a review it approves.
 */
export function decideAccountUpdate(
  actor: Actor,
  account: Pick<Account, 'code' | 'status' | 'ownerUnitId' | 'managerId' | 'tierId' | 'managementLevelId'>,
  manages: boolean,
  changed: readonly string[],
  next: Partial<Pick<Account, 'status' | 'ownerUnitId' | 'managerId'>>,
  unitName: UnitNamer = (id) => `#${id}`,
): void {
  assertAuthenticated({ actor } as RequestContext);
  const committee = hasRole(actor, [Role.COMMITTEE]);
  const ownManager = actor.role === Role.MANAGER && manages;
  if (!committee && !ownManager) {
    const reason = actor.role === Role.MANAGER ? `account ${account.code} is managed by someone else` : 'needs ADMIN, or MANAGER of the account';
    throw new DomainError(ErrorCode.FORBIDDEN, `${who(actor)} may not change account ${account.code}: ${reason}`, { field: 'accountId' });
  }
  const governance = changed.filter((f) => (ACCOUNT_GOVERNANCE_FIELDS as readonly string[]).includes(f));
  const refused = committee ? [] : governance.filter((f) => !(account.status === AccountStatus.CANDIDATE && CANDIDATE_PROPOSALS.includes(f)));
  if (refused.length) {
    throw new DomainError(
      ErrorCode.FORBIDDEN,
      `${who(actor)} may not change ${refused.join(', ')} of account ${account.code}: tier, level and ownership are decided by the committee (COMMITTEE or ADMIN)`,
      { field: refused[0] },
    );
  }
  const other = changed.filter((f) => !governance.includes(f));
  if (other.length && actor.role !== Role.ADMIN && !ownManager) {
    throw new DomainError(ErrorCode.FORBIDDEN, `${who(actor)} may not change ${other.join(', ')} of account ${account.code}: needs ADMIN, or MANAGER of the account`, { field: other[0] });
  }
  if (changed.includes('status') && next.status) assertStatusChange(actor, account, next.status);
  assertOwnerChange(actor, account, next, unitName);
  const decided = account.status !== AccountStatus.CANDIDATE;
  if (changed.includes('tierCode') && account.tierId !== null && decided) {
    throw new DomainError(ErrorCode.INVALID_STATE, 'tierCode: 客户级别只能经级别复核变更（proposeTierChange，委员会批准）/ the tier changes only through a tier review the committee approves', { field: 'tierCode' });
  }
  if (changed.includes('managementLevel') && account.managementLevelId !== null && decided) {
    throw new DomainError(
      ErrorCode.INVALID_STATE,
      'managementLevel: 管理层级只能经委员会复核变更（proposeManagementLevelChange）/ the management level changes only through a review the committee approves',
      { field: 'managementLevel' },
    );
  }
}

/**
 * Putting an account into a group (上级集团): a MANAGER only under a group account it manages too —
 * group figures feed tier and level suggestions, so another manager's account is not its to join.
 */
export function assertMayLinkParent(actor: Actor, parent: Pick<Account, 'code'>, managesParent: boolean): void {
  if (actor.role === Role.MANAGER && !managesParent) {
    throw new DomainError(ErrorCode.FORBIDDEN, `parentId: account ${parent.code} is managed by someone else; the committee or an ADMIN links accounts across managers`, { field: 'parentId' });
  }
}
