/**
 * Who may write what. The one place the role rules live, used by every service (and so by the API,
 * importers and policy workflows alike):
 *
 * | role      | may write                                                                     |
 * |-----------|-------------------------------------------------------------------------------|
 * | ADMIN     | everything                                                                    |
 * | COMMITTEE | an account's governance fields (tier, management level, status, owning unit,  |
 * |           | manager: approvals and reassignment); reads everything, the audit trail too   |
 * | MANAGER   | the accounts it manages (it is `account.managerId`, or the manager of an open |
 * |           | assignment, e.g. a cross-region second unit) — their other fields, contacts,  |
 * |           | projects, activities and credit evaluations — and new accounts it will manage |
 * | FINANCE   | receivables and payments; reads everything                                    |
 * | ANALYST   | nothing (read-only, for BI)                                                   |
 *
 * No credentials → UNAUTHENTICATED; a role that may not → FORBIDDEN.
 */
import { IsNull, type DataSource } from 'typeorm';
import type { Actor, RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { Role } from '../../common/enums';
import { toId, type Id } from '../../common/ids';
import { managerFor } from '../../db/transaction';
import { Account } from '../accounts/account.entity';
import { Assignment } from '../policy/assignment.entity';

/** Account fields that decide tier and ownership: the committee's (or an admin's), never a manager's own. */
export const ACCOUNT_GOVERNANCE_FIELDS = ['tierCode', 'managementLevel', 'status', 'ownerUnitId', 'managerId'] as const;

function who(actor: Actor): string {
  return `${actor.name} (${actor.role})`;
}

/** True when the actor is the account's (primary) manager. */
export function managesAccount(actor: Actor, account: Pick<Account, 'managerId'>): boolean {
  return actor.userId !== null && account.managerId !== null && account.managerId === actor.userId;
}

export class AccessService {
  constructor(private readonly ds: DataSource) {}

  private assertAuthenticated(ctx: RequestContext): void {
    if (ctx.actor.kind === 'anonymous') {
      throw new DomainError(ErrorCode.UNAUTHENTICATED, 'authentication required: send "Authorization: Bearer <API key or login token>"');
    }
  }

  /** ADMIN always; otherwise one of `roles`. */
  hasRole(actor: Actor, roles: readonly Role[]): boolean {
    return actor.kind !== 'anonymous' && (actor.role === Role.ADMIN || roles.includes(actor.role));
  }

  /** FORBIDDEN unless the actor is ADMIN or has one of `roles`; `what` completes "may not …". */
  assertRole(ctx: RequestContext, roles: readonly Role[], what: string): void {
    this.assertAuthenticated(ctx);
    if (!this.hasRole(ctx.actor, roles)) {
      const allowed = [Role.ADMIN, ...roles.filter((r) => r !== Role.ADMIN)].join(' or ');
      throw new DomainError(ErrorCode.FORBIDDEN, `${who(ctx.actor)} may not ${what} (needs ${allowed})`);
    }
  }

  assertAdmin(ctx: RequestContext, what: string): void {
    this.assertRole(ctx, [], what);
  }

  /** Receivables and payments: ADMIN and FINANCE. */
  assertCanWriteFinance(ctx: RequestContext, what: string): void {
    this.assertRole(ctx, [Role.FINANCE], what);
  }

  /** The audit trail: ADMIN and COMMITTEE. */
  assertCanReadAudit(ctx: RequestContext): void {
    this.assertRole(ctx, [Role.COMMITTEE], 'read the audit trail');
  }

  /**
   * Does the actor manage this account: its manager, or the manager of one of its open assignments
   * (a second, cross-region unit works on the account too)?
   */
  async manages(ctx: RequestContext, account: Pick<Account, 'id' | 'managerId'>): Promise<boolean> {
    if (ctx.actor.userId === null) return false;
    if (managesAccount(ctx.actor, account)) return true;
    return managerFor(this.ds, ctx).existsBy(Assignment, { accountId: account.id, managerId: ctx.actor.userId, toDate: IsNull() });
  }

  /** May the actor change this account's data and what hangs off it (contacts, projects, activities, credit)? */
  async canWriteAccount(ctx: RequestContext, account: Pick<Account, 'id' | 'managerId'>): Promise<boolean> {
    const { actor } = ctx;
    if (actor.kind === 'anonymous') return false;
    return actor.role === Role.ADMIN || (actor.role === Role.MANAGER && (await this.manages(ctx, account)));
  }

  async assertCanWriteAccount(ctx: RequestContext, account: Pick<Account, 'id' | 'managerId' | 'code'>, what = 'change this account'): Promise<void> {
    this.assertAuthenticated(ctx);
    if (await this.canWriteAccount(ctx, account)) return;
    const reason = ctx.actor.role === Role.MANAGER ? `account ${account.code} is managed by someone else` : 'needs ADMIN, or MANAGER of the account';
    throw new DomainError(ErrorCode.FORBIDDEN, `${who(ctx.actor)} may not ${what}: ${reason}`, { field: 'accountId' });
  }

  /**
   * Loads the account a write is about (NOT_FOUND naming `field` when it does not exist) and checks
   * the actor may write it.
   */
  async accountForWrite(ctx: RequestContext, accountId: Id, field = 'accountId', what = 'change this account'): Promise<Account> {
    this.assertAuthenticated(ctx);
    const id = toId(accountId, field);
    const account = await managerFor(this.ds, ctx).findOneBy(Account, { id });
    if (!account) throw new DomainError(ErrorCode.NOT_FOUND, `${field}: account ${id} not found`, { field, entity: 'Account', key: id });
    await this.assertCanWriteAccount(ctx, account, what);
    return account;
  }

  /** May the actor change anything at all on this account (ADMIN, COMMITTEE, or a MANAGER of it)? */
  async assertMayChangeAccount(ctx: RequestContext, account: Pick<Account, 'id' | 'managerId' | 'code'>): Promise<void> {
    this.assertAuthenticated(ctx);
    if (this.hasRole(ctx.actor, [Role.COMMITTEE])) return;
    await this.assertCanWriteAccount(ctx, account, `change account ${account.code}`);
  }

  /**
   * An update changing `fields` of `account`: governance fields need ADMIN or COMMITTEE; the others ADMIN or
   * the account's MANAGER. A COMMITTEE member changing only governance fields may do so on any account.
   */
  async assertCanUpdateAccount(ctx: RequestContext, account: Pick<Account, 'id' | 'managerId' | 'code'>, fields: readonly string[]): Promise<void> {
    this.assertAuthenticated(ctx);
    const governance = fields.filter((f) => (ACCOUNT_GOVERNANCE_FIELDS as readonly string[]).includes(f));
    const other = fields.filter((f) => !governance.includes(f));
    if (governance.length && !this.hasRole(ctx.actor, [Role.COMMITTEE])) {
      throw new DomainError(
        ErrorCode.FORBIDDEN,
        `${who(ctx.actor)} may not change ${governance.join(', ')} of account ${account.code}: tier and ownership changes are decided by the committee (COMMITTEE or ADMIN)`,
        { field: governance[0] },
      );
    }
    if (other.length) await this.assertCanWriteAccount(ctx, account, `change account ${account.code}`);
  }

  /**
   * A new account: ADMIN, or a MANAGER for an account it will manage itself, in its own unit.
   * Returns the manager and unit a MANAGER's account gets when the input names none.
   */
  assertCanCreateAccount(ctx: RequestContext, input: { managerId?: Id | null; ownerUnitId?: Id | null }): { managerId?: number; ownerUnitId?: number } {
    this.assertRole(ctx, [Role.MANAGER], 'create accounts');
    const { actor } = ctx;
    if (actor.role !== Role.MANAGER) return {};
    if (actor.userId === null) throw new DomainError(ErrorCode.FORBIDDEN, `${who(actor)} acts as no user, so it cannot manage an account`);
    if (input.managerId != null && toId(input.managerId, 'managerId') !== actor.userId) {
      throw new DomainError(ErrorCode.FORBIDDEN, `${who(actor)} may create only accounts it manages itself (managerId)`, { field: 'managerId' });
    }
    if (input.ownerUnitId != null && actor.unitId !== null && toId(input.ownerUnitId, 'ownerUnitId') !== actor.unitId) {
      throw new DomainError(ErrorCode.FORBIDDEN, `${who(actor)} may create accounts only for its own unit (ownerUnitId)`, { field: 'ownerUnitId' });
    }
    return {
      ...(input.managerId == null ? { managerId: actor.userId } : {}),
      ...(input.ownerUnitId == null && actor.unitId !== null ? { ownerUnitId: actor.unitId } : {}),
    };
  }
}
