/**
 * Who may act, as pure decisions over the actor (no database): the role checks every service makes
 * before it reads or writes, so the API, the importers, the CLI and the seeds meet the same rules.
 * Decisions that need a record's state live beside that record's domain (`*.rules.ts`).
 */
import type { Actor, RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { Role } from '../../common/enums';

/** `login (ROLE)`, for messages. */
export function who(actor: Actor): string {
  return `${actor.name} (${actor.role})`;
}

export function assertAuthenticated(ctx: RequestContext): void {
  if (ctx.actor.kind === 'anonymous') {
    throw new DomainError(ErrorCode.UNAUTHENTICATED, 'authentication required: send "Authorization: Bearer <API key or login token>"');
  }
}

/** ADMIN always; otherwise one of `roles`. */
export function hasRole(actor: Actor, roles: readonly Role[]): boolean {
  return actor.kind !== 'anonymous' && (actor.role === Role.ADMIN || roles.includes(actor.role));
}

/** Exactly this role (ADMIN does not count as a MANAGER). */
export function isRole(ctx: RequestContext, role: Role): boolean {
  return ctx.actor.kind !== 'anonymous' && ctx.actor.role === role;
}

/** UNAUTHENTICATED without credentials; FORBIDDEN unless the actor is ADMIN or has one of `roles`. `what` completes "may not …". */
export function assertRole(ctx: RequestContext, roles: readonly Role[], what: string): void {
  assertAuthenticated(ctx);
  if (!hasRole(ctx.actor, roles)) {
    const allowed = [Role.ADMIN, ...roles.filter((r) => r !== Role.ADMIN)].join(' or ');
    throw new DomainError(ErrorCode.FORBIDDEN, `${who(ctx.actor)} may not ${what} (needs ${allowed})`);
  }
}

/** True when the actor is the account's (primary) manager. */
export function managesAccount(actor: Actor, account: { managerId: number | null }): boolean {
  return actor.userId !== null && account.managerId !== null && account.managerId === actor.userId;
}

/**
 * An account's data and what hangs off it (people, projects, activities and their amounts, credit
 * evaluations): ADMIN, or a MANAGER that manages the account (`manages`: its manager, or the
 * manager of an open cross-region assignment). FORBIDDEN otherwise; `what` completes "may not …".
 */
export function assertMayWriteAccountData(actor: Actor, account: { code: string }, manages: boolean, what: string): void {
  assertAuthenticated({ actor } as RequestContext);
  if (actor.role === Role.ADMIN || (actor.role === Role.MANAGER && manages)) return;
  const reason = actor.role === Role.MANAGER ? `account ${account.code} is managed by someone else` : 'needs ADMIN, or MANAGER of the account';
  throw new DomainError(ErrorCode.FORBIDDEN, `${who(actor)} may not ${what}: ${reason}`, { field: 'accountId' });
}

/** Importing annexes: ADMIN, or a MANAGER of a unit (its rows then meet the rules row by row). */
export function assertMayImport(ctx: RequestContext): void {
  assertRole(ctx, [Role.MANAGER], 'import annexes (ADMIN, or a MANAGER for the accounts it manages)');
  if (ctx.actor.role === Role.MANAGER && ctx.actor.unitId === null) {
    throw new DomainError(ErrorCode.FORBIDDEN, `${who(ctx.actor)} belongs to no unit, so it cannot import annexes`);
  }
}
