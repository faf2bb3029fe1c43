/**
 * Who may write what, where the answer needs the database (does the actor manage this account?).
 * The decisions themselves are pure functions — `access.rules.ts` for roles and account data,
 * `accounts/account.rules.ts` for account fields, `ownership/ownership.rules.ts` for 谁开发、谁优先 —
 * which every door (GraphQL, annex imports over HTTP and the CLI, seeds) reaches through the services
 * or, for whole batches, the annex loaders.
 *
 * | role      | may write                                                                     |
 * |-----------|-------------------------------------------------------------------------------|
 * | ADMIN     | everything                                                                    |
 * | COMMITTEE | decisions: approvals, tier and level reviews, reassignment, year-end          |
 * | MANAGER   | the accounts it manages (it is `account.managerId`, or the manager of an open |
 * |           | assignment, e.g. a cross-region second unit) — their other fields, contacts,  |
 * |           | projects, activities (with signings and collections) and credit evaluations — |
 * |           | and recommendations of new accounts                                           |
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
import { assertAuthenticated, assertMayWriteAccountData, assertRole, hasRole, isRole, managesAccount } from './access.rules';
import { Account } from '../accounts/account.entity';
import { Assignment } from '../ownership/assignment.entity';

export class AccessService {
  constructor(private readonly ds: DataSource) {}

  /** ADMIN always; otherwise one of `roles`. */
  hasRole(actor: Actor, roles: readonly Role[]): boolean {
    return hasRole(actor, roles);
  }

  /** FORBIDDEN unless the actor is ADMIN or has one of `roles`; `what` completes "may not …". */
  assertRole(ctx: RequestContext, roles: readonly Role[], what: string): void {
    assertRole(ctx, roles, what);
  }

  assertAdmin(ctx: RequestContext, what: string): void {
    assertRole(ctx, [], what);
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

  /** FORBIDDEN unless the actor may write this account's data (see {@link assertMayWriteAccountData}). */
  async assertCanWriteAccount(ctx: RequestContext, account: Pick<Account, 'id' | 'managerId' | 'code'>, what = 'change this account'): Promise<void> {
    assertAuthenticated(ctx);
    const manages = ctx.actor.role === Role.MANAGER && (await this.manages(ctx, account));
    assertMayWriteAccountData(ctx.actor, account, manages, what);
  }

  /** A MANAGER may act only on accounts it manages; other roles pass (their role was checked already). */
  async assertActorManages(ctx: RequestContext, account: Pick<Account, 'id' | 'managerId' | 'code' | 'name'>, what: string): Promise<void> {
    if (!isRole(ctx, Role.MANAGER)) return;
    if (!(await this.manages(ctx, account))) {
      throw new DomainError(ErrorCode.FORBIDDEN, `${what}: you do not manage account ${account.code} ${account.name}; a manager acts only on its own accounts`, { field: 'accountId' });
    }
  }

  /**
   * Loads the account a write is about (NOT_FOUND naming `field` when it does not exist) and checks
   * the actor may write it.
   */
  async accountForWrite(ctx: RequestContext, accountId: Id, field = 'accountId', what = 'change this account'): Promise<Account> {
    assertAuthenticated(ctx);
    const id = toId(accountId, field);
    const account = await managerFor(this.ds, ctx).findOneBy(Account, { id });
    if (!account) throw new DomainError(ErrorCode.NOT_FOUND, `${field}: account ${id} not found`, { field, entity: 'Account', key: id });
    await this.assertCanWriteAccount(ctx, account, what);
    return account;
  }
}
